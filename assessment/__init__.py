"""Procurement maturity self-assessment: frameworks, scores, roll-ups, storage and exports."""
