"""Readers of files from outside (Word appendix, spreadsheets): each returns plain records (an ImportPlan)."""
