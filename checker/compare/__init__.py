"""Predictions for real IMR letters set beside the reviewers' decisions, in bulk."""
