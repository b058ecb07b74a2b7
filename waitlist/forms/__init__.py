"""Forms of the waitlist app: they validate and convert input; services write."""
