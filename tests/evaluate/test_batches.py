from lawfinder.evaluate.batches import BUDGET, chunks


def test_chunks_cover_the_batch_in_order_within_the_budget():
    parts = list(chunks(10, BUDGET // 3))
    assert [(p.start, p.stop) for p in parts] == [(0, 3), (3, 6), (6, 9), (9, 10)]


def test_chunks_keep_groups_of_a_multiple_together():
    parts = list(chunks(12, BUDGET // 5, multiple=2))   # 2 starts per formula
    assert [(p.start, p.stop) for p in parts] == [(0, 4), (4, 8), (8, 12)]


def test_a_formula_bigger_than_the_budget_is_a_chunk_of_its_own():
    assert [(p.start, p.stop) for p in chunks(2, 10 * BUDGET, multiple=2)] == [(0, 2)]


def test_a_small_batch_is_one_chunk():
    assert list(chunks(500, 128 * 5)) == [slice(0, 500)]
