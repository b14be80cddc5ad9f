"""Value types and legal rules: case numbers, identity numbers, money, dates, courts."""
