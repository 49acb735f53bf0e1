"""Karabakh Conflict Map: page set-up only; the page itself is ``dashboard.ui.page``.

Run with ``streamlit run streamlit_app.py -- --store PATH --articles DIR``.
"""

from pathlib import Path

import streamlit as st

from dashboard.ui.page import map_page

st.set_page_config(page_title="Karabakh Conflict Map", page_icon="🗺️", layout="wide")
map_page(app_dir=Path(__file__).resolve().parent)
