"""Reading the landing zone into the warehouse's raw schema, file contracts first."""
