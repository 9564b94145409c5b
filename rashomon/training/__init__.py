"""Training rashomon's own models from public data (``rashomon train ...``).

* :mod:`rashomon.training.nli_data`: the labelled pairs, their licences, and a dev split kept aside.
* :mod:`rashomon.training.nli`: fine-tuning a cross-encoder entailment judge, with checkpoints
  and resume, exported as fp16 safetensors with a model card.
"""
