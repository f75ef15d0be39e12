"""Small helpers every app may use (charts as SVG, table downloads, form tokens). No imports
from the apps, so it sits below all three in the import direction; its one model is the used
form token."""
