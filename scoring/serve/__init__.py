"""``scoring serve``: the analyst's workbench, a local web app over one case (docs/serve.md)."""
