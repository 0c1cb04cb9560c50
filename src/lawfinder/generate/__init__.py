"""Writing formulas: the policy network, masked sampling, local search by mutation."""
