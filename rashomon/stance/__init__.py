"""Stance of an article body towards a headline (agree, disagree, discuss, unrelated).

A two-stage model trained on the FNC-1 training set (:mod:`rashomon.stance.train`): gradient
boosted trees on lexical, TF-IDF and sentence-embedding features say related or unrelated, then
a second set of trees, fed also with two stacked linear models, says agree, disagree or discuss.
Everything it needs is in ``rashomon/data/stance`` as JSON and npz (:mod:`rashomon.stance.model`).
"""

from __future__ import annotations
