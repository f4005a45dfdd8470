"""Data -> HTML -> PDF for each edition: charts, Markdown, print templates."""
