"""The formula language: operators and tokens, partial-formula state, priors, build costs."""
