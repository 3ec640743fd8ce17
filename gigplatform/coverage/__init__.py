"""Coverage: the package catalogue, quotes, orders and payments, entitlements, and the staffing plan they imply."""
