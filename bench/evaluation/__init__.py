"""Scoring against labelled material, for the benches and the tests (not installed with newswatch).

``judge`` scores a judge over labelled items, ``dedup`` reads labelled duplicate/story sets and
scores pairs, ``extraction`` reads extraction cases and scores bodies, titles and dates.
"""
