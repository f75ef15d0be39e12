"""Small helpers every app may use (charts as SVG, table downloads). No models, no views, and
no imports from the apps, so it sits below all three in the import direction."""
