"""Forms of the enrollment app: `family` for guardians, `office` for school staff."""
