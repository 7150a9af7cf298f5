"""Several runs side by side: `runs.compare` (the table and its page), the figures that overlay
runs on shared scales (`plots`, `layers`, the page's table in `figures`), and seeds grouped per
grid cell (`grouped`, drawn by the sweep page)."""
