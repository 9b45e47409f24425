"""One spelling for the variants Vietnamese allows, so rules match either: the tone mark on the
first or second vowel of an open "oa/oe/uy" syllable ("hoà"/"hòa", "uý"/"úy", "thuỷ"/"thủy") and a
final "y" or "i" after a consonant ("sỹ"/"sĩ", "kỷ"/"kỉ", "Lý"/"Lí").

``one_spelling`` keeps the text's length (each change swaps letters one for one in NFC), so
offsets found in its output are offsets in the original text.
"""

from __future__ import annotations

import re
import unicodedata

_TONES = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook, dot below
# "oà" → "òa" where the syllable ends after the two vowels (the older placement on the second vowel;
# the "u" of "qu" is part of the consonant: "quý" keeps its tone)
_SECOND_VOWEL_TONE = re.compile(rf"(?<![qQ])([oOuU])([aAeEyY])([{_TONES}])(?![\u0302\u0306\u031b])(?!\w)")
# "sỹ" → "sĩ": a final y after a consonant (not after a vowel: "quý", "tuỳ" keep their y)
_FINAL_Y = re.compile(rf"(?<=[bcdđghklmnpqrstvxBCDĐGHKLMNPQRSTVX])([yY])(?=[{_TONES}]?(?!\w))")


def one_spelling(text: str) -> str:
    """``text`` with the tone on the first vowel of "oa/oe/uy" and "i" for a final "y" after a consonant."""
    decomposed = unicodedata.normalize("NFD", text)
    decomposed = _SECOND_VOWEL_TONE.sub(r"\1\3\2", decomposed)
    decomposed = _FINAL_Y.sub(lambda m: "i" if m.group(1) == "y" else "I", decomposed)
    out = unicodedata.normalize("NFC", decomposed)
    return out if len(out) == len(text) else text  # a text that was not NFC: leave it as it is
