"""Rendering: tables, figures and the Word report, from analysis results."""
