"""Forms of the reviews app, one module per area: applications (and ties), reviewing, staff
work on assignments and progress, aggregates and ratings. Import from the module."""
