"""Fee schedules, discounts, free places, invoices and payments (the billing issue)."""
