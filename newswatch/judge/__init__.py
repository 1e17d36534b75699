"""Relevance and category judgement of articles against a topic profile."""

from __future__ import annotations

from newswatch.judge.core import Judge, Judgement
from newswatch.judge.profile import Profile, ProfileError, load_profile

__all__ = ["Judge", "Judgement", "Profile", "ProfileError", "load_profile"]
