"""The search loop: sample -> fit constants -> reward -> risk-seeking update -> hall of fame."""

from __future__ import annotations

import copy
import itertools
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from typing import Any

import numpy as np
import torch

from lawfinder.evaluate.prefix import padded, to_sympy
from lawfinder.evaluate.simplify import simpler_tokens
from lawfinder.fit.reward import squash
from lawfinder.generate.mutation import mutants
from lawfinder.generate.neighbourhood import catalogue
from lawfinder.generate.pi_views import FREE_PER_FITTED, View
from lawfinder.generate.policy import Policy
from lawfinder.generate.sampler import Episode, Sampler
from lawfinder.language.library import Kind, Library
from lawfinder.language.priors import has_constant_subtree, repeats_a_child
from lawfinder.search.cache import FormulaCache, key
from lawfinder.search.config import EpochStats, SearchConfig
from lawfinder.search.front import Entry, improves
from lawfinder.search.hall_of_fame import HallOfFame
from lawfinder.search.refinement import polish
from lawfinder.search.scoring import Scorer
from lawfinder.search.sweep import Sweep
from lawfinder.search.writer import Writer


class Search:
    """One symbolic-regression run on scaled data; `run()` returns when a stop rule fires."""

    def __init__(self, library: Library, target2: np.ndarray, X: np.ndarray, y: np.ndarray,
                 weights: np.ndarray, starts: np.ndarray, user_scale: np.ndarray,
                 config: SearchConfig, seed: int | None = None,
                 callback: Callable[[EpochStats, HallOfFame], None] | None = None,
                 forms: Iterable[tuple[tuple[int, ...], str]] = (),
                 views: Sequence[View] = ()):
        self.library, self.config, self.callback = library, config, callback
        # Formulas enumerated in order (tokens, name of the view that wrote them): each
        # epoch scores the next batch of them beside the policy's.
        self.forms = iter(forms)
        self.enumerated = 0
        self.forms_left = True  # until the enumeration runs dry, a stall does not stop
        self.pi_views = tuple(views)
        self.X, self.y, self.weights = X, y, weights
        self.starts, self.user_scale = starts, user_scale
        self.rng = np.random.default_rng(seed)
        self.generator = torch.Generator().manual_seed(int(self.rng.integers(2**31)))
        # One writer per view, taking turns by epoch: the raw view, then each Π view.
        self.writers = [Writer.make(library, target2, config.priors, config.hidden,
                                    config.learning_rate, int(self.rng.integers(2**31)), view)
                        for view in (None, *[v for v in views[:1] if not v.trivial])]
        # Short dimensionless subtrees over the best view's groups, and for each formula of
        # the front whose neighbourhood is being swept, how far the sweep has gone.
        self.sweep = Sweep(catalogue(views[0], library) if views and config.neighbours else (),
                           library, config.priors.max_length)
        # Constants are fitted on a small subsample and formulas scored on a larger one;
        # the final front is refitted on all data (polish).
        self.scorer = Scorer(library, X, y, weights, starts, user_scale, config.fit,
                             config.fit_points, config.score_points, views, self.rng)
        # Names SymPy may take as positive when simplifying: variables whose data are, known
        # constants that are, and the free constants (a refit then tells whether the
        # simplified form holds).
        self.positive = {t.name for t in library.tokens if t.kind is Kind.VARIABLE
                         and (X[:, t.index] > 0).all() or t.known and t.value > 0
                         } | set(library.free_names)
        self.cache = FormulaCache()
        self.hall = HallOfFame()
        self.epoch = self.sampled = self.scored = 0
        self.simplest_exact: tuple[float, int] | None = None  # (complexity, epoch found)
        # The front as of its last improvement, (complexity, loss) pairs, and that epoch.
        self.front_record: list[tuple[float, float]] = []
        self.improved_at = 0
        self.interrupted = False
        self.start = time.perf_counter()
        self.elapsed_before = 0.0  # search seconds spent before a resume
        self.history: list[EpochStats] = []

    @property
    def sampler(self) -> Sampler:
        """The raw view's sampler, in the search library's tokens."""
        return self.writers[0].sampler

    @property
    def policy(self) -> Policy:
        return self.writers[0].policy

    def run(self, between_epochs: Callable[[], None] | None = None, *,
            epochs: int | None = None, max_sampled: int | None = None,
            deadline: float = math.inf) -> HallOfFame:
        """Search until target accuracy, budget or Ctrl-C; what was found is kept in all cases.

        `between_epochs` is called after each epoch (to save checkpoints, for instance).
        An island's round ends sooner: after `epochs` more epochs, once `max_sampled`
        formulas were sampled in all, or at the wall-clock time `deadline` (time.time()).
        """
        self.start = time.perf_counter() - self.elapsed_before
        last = self.epoch + epochs if epochs is not None else math.inf
        cap = max_sampled if max_sampled is not None else math.inf
        # The policy is small: one thread is as fast, and several fight other processes.
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            while not (self._should_stop(time.perf_counter() - self.start) or self.epoch >= last
                       or self.sampled >= cap or time.time() >= deadline):
                stats = self.step()
                if self.callback:
                    self.callback(stats, self.hall)
                if between_epochs:
                    between_epochs()
        except KeyboardInterrupt:
            self.interrupted = True
        finally:
            torch.set_num_threads(threads)
            self.elapsed_before = self._elapsed()
        return self.hall

    def should_stop(self) -> bool:
        """Whether a stop rule of the configuration has fired (Ctrl-C included)."""
        return self.interrupted or self._should_stop(self._elapsed())

    def welcome(self, entries: Iterable[Entry]) -> None:
        """Take formulas scored elsewhere (another island's) into the hall of fame and the
        cache, where the neighbourhood sweep and the stop rules see them."""
        for entry in entries:
            self.cache.setdefault(key(entry.tokens), (entry.constants, entry.nrmse))
            self.hall.offer(entry)
        self._track_exact()
        self._track_front()

    def _should_stop(self, elapsed: float) -> bool:
        cfg = self.config
        patient = (self.simplest_exact is not None
                   and self.epoch - self.simplest_exact[1] >= cfg.patience)
        # A stall waits for the enumeration: its short forms are the laws found by
        # construction, which on noisy data need not beat a stand-in by stall_rtol.
        stalled = (cfg.stall_patience is not None and self.simplest_exact is None
                   and not self.forms_left
                   and self.epoch - self.improved_at >= cfg.stall_patience)
        return (patient or stalled or elapsed >= cfg.max_time
                or (cfg.max_evals is not None and self.sampled >= cfg.max_evals))

    def state_dict(self) -> dict[str, Any]:
        """A snapshot of everything a resumed search needs to go on as this one would.

        Plain data only (tensors, dicts, lists, tuples, numbers, strings), so that
        torch.load(weights_only=True) reads it back: the policy and optimizer, the hall of
        fame, the formula cache, the counters, elapsed time, history and random streams.
        """
        return {
            "policy": copy.deepcopy(self.policy.state_dict()),
            "optimizer": copy.deepcopy(self.writers[0].optimizer.state_dict()),
            "view_writers": [{"policy": copy.deepcopy(w.policy.state_dict()),
                              "optimizer": copy.deepcopy(w.optimizer.state_dict())}
                             for w in self.writers[1:]],
            "hall": self.hall.state_dict(),
            "cache": self.cache.state_dict(self.library.n_free),
            "fit_rows": torch.from_numpy(self.scorer.fit_rows.copy()),
            "score_rows": torch.from_numpy(self.scorer.score_rows.copy()),
            "epoch": self.epoch, "sampled": self.sampled, "scored": self.scored,
            "enumerated": self.enumerated,
            "swept": [[list(f), n] for f, n in self.sweep.swept.items()],
            "simplest_exact": self.simplest_exact,
            "front_record": [list(pair) for pair in self.front_record],
            "improved_at": self.improved_at,
            "elapsed": self._elapsed(),
            "history": [{k: _plain(v) for k, v in asdict(s).items()} for s in self.history],
            "numpy_rng": self.rng.bit_generator.state,
            "torch_generator": self.generator.get_state(),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Continue from the `state_dict()` of a search on the same data and settings: the
        counters, elapsed time and random streams go on from where they were."""
        saved = [state] + list(state.get("view_writers", []))
        for writer, part in zip(self.writers, saved):
            writer.policy.load_state_dict(part["policy"])
            writer.optimizer.load_state_dict(part["optimizer"])
        self.hall = HallOfFame.from_state(state["hall"])
        self.cache = FormulaCache.from_state(state["cache"])
        self.scorer.fit_rows = state["fit_rows"].numpy()
        self.scorer.score_rows = state["score_rows"].numpy()
        self.epoch, self.sampled, self.scored = state["epoch"], state["sampled"], state["scored"]
        # The enumeration is deterministic: skip what the saved search had scored already.
        self.enumerated = state.get("enumerated", 0)
        self.forms = itertools.islice(self.forms, self.enumerated, None)
        self.sweep.restore({tuple(f): n for f, n in state.get("swept", [])})
        self.simplest_exact = state["simplest_exact"]
        self.front_record = [tuple(pair) for pair in state.get("front_record", [])]
        self.improved_at = state.get("improved_at", self.epoch)
        self.elapsed_before = state["elapsed"]
        self.start = time.perf_counter() - self.elapsed_before
        self.history = [EpochStats(**stats) for stats in state["history"]]
        self.rng.bit_generator.state = state["numpy_rng"]
        self.generator.set_state(state["torch_generator"])

    def step(self) -> EpochStats:
        """One epoch: score the next enumerated formulas, sample a batch, score it, reinforce
        its best 5%."""
        self._enumerate()
        writer = self.writers[self.epoch % len(self.writers)]
        episode = writer.sampler.sample(writer.policy, self.config.batch_size, self.generator)
        self.sampled += self.config.batch_size
        self.epoch += 1
        errors = self.score(episode, writer)
        self.scored += len(errors)
        if self.config.mutations_per_formula:
            made = self._explore_locally(episode, errors, writer)
            self.sampled += made
            self.scored += made
        made = self._sweep_neighbourhoods()
        self.sampled += made
        self.scored += made
        complexity = writer.library.complexity[np.maximum(episode.tokens, 0)]
        complexity = (complexity * (episode.tokens >= 0)).sum(axis=1)
        cfg = self.config
        top_reward = writer.reinforce(episode, squash(errors) - cfg.parsimony * complexity,
                                      cfg.risk_eps, cfg.entropy_weight, cfg.entropy_gamma)
        self._track_exact()
        self._track_front()
        best = self.hall.most_accurate()
        stats = EpochStats(self.epoch, self.sampled, len(self.cache), self._elapsed(),
                           best.nrmse if best else np.inf,
                           str(to_sympy(best.tokens, self.library)) if best else "",
                           len(episode.lengths) / self.config.batch_size, top_reward,
                           stalled=self.epoch - self.improved_at)
        self.history.append(stats)
        return stats

    def _enumerate(self) -> None:
        """Score the next enumerated formulas, batch_size of them with constants to fit and
        up to `FREE_PER_FITTED` times as many without; they count as sampled and scored."""
        chunk, fitted = [], 0
        for form in self.forms:
            chunk.append(form)
            fitted += bool(self.library.is_free[list(form[0])].any())
            if (fitted >= self.config.batch_size
                    or len(chunk) >= FREE_PER_FITTED * self.config.batch_size):
                break
        else:
            self.forms_left = False
        if not chunk:
            return
        self.enumerated += len(chunk)
        self.sampled += len(chunk)
        self.scored += len(chunk)
        formulas, views = zip(*chunk)
        self._consider(list(formulas), list(views))

    def _elapsed(self) -> float:
        return time.perf_counter() - self.start

    def _track_exact(self) -> None:
        """Remember when the simplest formula within target accuracy last got simpler."""
        exact = [c for c, e in self.hall.best.items() if e.nrmse <= self.config.target_nrmse]
        if exact and (self.simplest_exact is None or min(exact) < self.simplest_exact[0]):
            self.simplest_exact = (min(exact), self.epoch)

    def _track_front(self) -> None:
        """Remember the front and the epoch when a formula last beat it by `stall_rtol`."""
        front = self.hall.front()
        if improves(front, self.front_record, self.config.stall_rtol):
            self.front_record = [(e.complexity, e.nrmse) for e in front]
            self.improved_at = self.epoch

    def score(self, episode: Episode, writer: Writer | None = None) -> np.ndarray:
        """NRMSE (B,) of each sampled formula, fitting constants of formulas not seen before."""
        writer = writer or self.writers[0]
        formulas = [writer.to_search(f, self.library) for f in episode.formulas()]
        self._consider(formulas, [writer.name] * len(formulas))
        return np.array([self.cache.error(f) for f in formulas])

    def _consider(self, formulas: list[tuple[int, ...]], views: list[str],
                  warm: np.ndarray | None = None) -> None:
        """Score the formulas not seen before, each written by the view named in `views`
        (and fitted also from its row of `warm` constants, if given), and offer them to the
        hall of fame; an exact one that takes a place there also brings its simplified twin.

        All are offered before any is simplified: a Ctrl-C during SymPy's work then loses
        no formula that was scored (and cached, so never scored again).
        """
        fresh: dict[tuple[int, ...], int] = {}
        for i, f in enumerate(formulas):
            if not self.cache.knows(f):
                fresh.setdefault(f, i)
        if not fresh:
            return
        rows = list(fresh.values())
        placed = [e for e in self._score_new(list(fresh), [views[i] for i in rows],
                                             None if warm is None else warm[rows])
                  if self.hall.offer(e)]
        for entry in placed:
            if entry.nrmse <= self.config.target_nrmse:
                self._offer_simpler(entry)

    def _explore_locally(self, episode: Episode, errors: np.ndarray, writer: Writer) -> int:
        """Mutate the batch's best formulas (and, in the raw view, the hall of fame's) in the
        writer's tokens; returns how many were made."""
        cfg = self.config
        formulas = episode.formulas()
        elite = [formulas[i] for i in np.argsort(errors)[:cfg.elite] if np.isfinite(errors[i])]
        if writer.view is None:
            elite += [e.tokens for e in sorted(self.hall.best.values(), key=lambda e: e.nrmse)[:3]]
        made = mutants(list(dict.fromkeys(elite)), cfg.mutations_per_formula,
                       writer.mutation_sampler, self.rng, self.generator)
        self._consider([writer.to_search(f, self.library) for f in made],
                       [writer.name] * len(made))
        return len(made)

    def _sweep_neighbourhoods(self) -> int:
        """Score the next `neighbours` formulas not seen before around the front's formulas
        that gained most over simpler ones, each fitted from its parent's constants;
        returns how many."""
        made = 0
        for parent, fresh in self.sweep.batches(self.hall.front(), self.config.target_nrmse,
                                                self.config.neighbours,
                                                self.cache.knows):
            self._consider(fresh, [parent.view] * len(fresh),
                           np.tile(parent.constants, (len(fresh), 1)))
            made += len(fresh)
        return made

    def _score_new(self, formulas: list[tuple[int, ...]], views: list[str],
                   warm: np.ndarray | None = None) -> list[Entry]:
        """Fit and score formulas not seen before, each written by the view named in
        `views` (and fitted also from `warm`); cache and return them as entries."""
        constants, errors = self.scorer.fit(padded(formulas), views, warm)
        errors[[repeats_a_child(np.array(f), self.library)
                or has_constant_subtree(np.array(f), self.library) for f in formulas]] = np.inf
        entries = []
        for f, c, e, view in zip(formulas, constants, errors, views):
            self.cache.put(f, c, float(e))
            complexity = float(self.library.complexity[list(f)].sum())
            entries.append(Entry(f, c, float(e), complexity, self._elapsed(), view))
        return entries

    def _offer_simpler(self, entry: Entry) -> None:
        """Give the hall of fame the SymPy-simplified twin of an exact formula, if shorter."""
        shorter = simpler_tokens(entry.tokens, self.library, self.positive)
        if shorter is not None and not self.cache.knows(shorter):
            self.hall.offer(self._score_new([shorter], [entry.view])[0])

    def polish(self, entries: list[Entry]) -> list[Entry]:
        """The entries refitted on all rows, their constants at closed forms where the data
        allow (`search.refinement`)."""
        return polish(entries, self.scorer)


def _plain(value: Any) -> Any:
    """NumPy scalars as Python numbers, which torch.load(weights_only=True) accepts."""
    return value.item() if isinstance(value, np.generic) else value
