"""Diagnoses: from what a record writes to ICD-10-CM codes, condition categories and regions.

    words.py     how titles and phrases become tokens (vocabulary: rules/vocab/diagnosis_words.yaml,
                 diagnosis_abbreviations.yaml)
    index.py     the ICD-10-CM title index: phrase -> ranked codes (cached on disk)
    classify.py  a diagnosis (text and/or code) -> condition categories and regions
    regions.py   a code -> the body region it names (rules/vocab/diagnosis_regions.yaml)
    phrases.py   the diagnosis lists of a case summary -> diagnosis phrases (diagnosis_cues.yaml)

Nothing here is imported when the CLI starts: the index loads on the first diagnosis classified.
"""
