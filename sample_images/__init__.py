"""Synthetic sample films and cases (a lumbar-spine fluoroscopy phantom), reproducible from fixed seeds.

``sample_images.phantom`` renders films with exact ground truth; ``python -m
sample_images.generate`` rewrites ``sample_images/cases``. See README.md here.
"""
