"""Seniority ranking, admission rounds, auditions and place offers (the admission issue)."""
