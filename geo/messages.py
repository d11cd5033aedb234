"""Messages for users as a stable code, a msgid and parameters, rendered in the reader's language.

``geo`` never imports Flask or Babel's request machinery: it raises and returns :class:`Message`s,
and the edge renders them — the web app with the request's Flask-Babel translations, the CLI with
``babel.support.Translations`` for the locale of its environment, anything else in English::

    raise InvalidInput(Message("layer.unknown", N_("no layer %(name)r"), name=name))
    Message("import.rows-refused", NP_("%(num)d row refused", "%(num)d rows refused"), num=n)

``N_`` and ``NP_`` only mark a msgid (a plural pair) for ``pybabel extract -k N_ -k NP_:1,2``.
Placeholders are named (``%(name)s``); a plural message carries its count as ``num``. A parameter
that is itself a :class:`Message` (a rule's title, a role's name) is rendered in the same language.
"""
from __future__ import annotations

import gettext as _gettext
import re
from collections.abc import Mapping
from typing import Protocol

# A named placeholder of a msgid: %(name)s, %(count)d, %(share).1f, %(value)r (not %%).
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]")


def N_(msgid: str) -> str:
    """Mark ``msgid`` for extraction; it is translated where it is shown."""
    return msgid


def NP_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a plural pair for extraction; :class:`Message` picks the form for its ``num``."""
    return singular, plural


class Translations(Protocol):
    """What renders a message: ``gettext.NullTranslations`` and ``babel.support.Translations``."""

    def gettext(self, message: str) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int) -> str: ...


ENGLISH: Translations = _gettext.NullTranslations()


class Message:
    """A message for a user: a stable ``code``, a msgid (or plural pair) and its parameters.

    ``str(message)`` is the English text. :meth:`render` gives it in a language.

    Examples
    --------
    >>> m = Message("layer.unknown", N_("no layer %(name)r"), name="zones")
    >>> m.code, str(m)
    ('layer.unknown', "no layer 'zones'")
    >>> str(Message("rows.refused", NP_("%(num)d row refused", "%(num)d rows refused"), num=2))
    '2 rows refused'
    """

    __slots__ = ("code", "msgid", "plural", "params")

    def __init__(self, code: str, msgid: str | tuple[str, str], /, **params: object):
        self.code = code
        if isinstance(msgid, tuple):
            self.msgid, self.plural = msgid
            if "num" not in params:
                raise TypeError(f"plural message {code} needs its count as num=")
        else:
            self.msgid, self.plural = msgid, None
        self.params: Mapping[str, object] = params

    @property
    def count(self) -> int | None:
        """The count a plural message is worded for (``None`` for a singular one)."""
        return int(self.params["num"]) if self.plural is not None else None  # type: ignore[call-overload]

    def render(self, translations: Translations | None = None) -> str:
        """The message in the language of ``translations`` (English without them)."""
        t = ENGLISH if translations is None else translations
        text = t.gettext(self.msgid) if self.plural is None else t.ngettext(self.msgid, self.plural, self.count)
        if not self.params:
            return text
        values = {k: render(v, t) if isinstance(v, Message) else v for k, v in self.params.items()}
        try:
            return text % values
        except (KeyError, ValueError, TypeError):  # a translation whose placeholders are wrong: the source text
            source = self.msgid if self.plural is None or self.count == 1 else self.plural
            return source % values

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Message({self.code!r}, {self.msgid!r})"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Message) and (self.code, self.msgid, self.plural, dict(self.params))
                == (other.code, other.msgid, other.plural, dict(other.params)))

    def __hash__(self) -> int:
        return hash((self.code, self.msgid))


class Text(Message):
    """Text that is already in the reader's language (a caller translated it): shown as it is."""

    __slots__ = ()

    def __init__(self, code: str, text: str):
        super().__init__(code, text)

    def render(self, translations: Translations | None = None) -> str:
        return self.msgid


class Joined(Message):
    """Several messages shown as one (each in the reader's language), separated by ``separator``."""

    __slots__ = ("parts",)

    def __init__(self, code: str, parts: list[Message | str], separator: str = "; "):
        super().__init__(code, separator)
        self.parts = list(parts)

    def render(self, translations: Translations | None = None) -> str:
        return self.msgid.join(render(p, translations) for p in self.parts)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Joined) and (self.code, self.msgid, self.parts)
                == (other.code, other.msgid, other.parts))

    def __hash__(self) -> int:
        return hash((self.code, self.msgid, len(self.parts)))


def message(value: Message | str, code: str) -> Message:
    """``value`` as a Message: a string a caller already translated keeps ``code`` and is shown as it is."""
    return value if isinstance(value, Message) else Text(code, str(value))


def render(value: Message | str, translations: Translations | None = None) -> str:
    """A message (or a text already translated) in the language of ``translations``."""
    return value.render(translations) if isinstance(value, Message) else str(value)


def placeholders(msgid: str) -> set[str]:
    """The named placeholders of a msgid (``%(num)d`` included)."""
    return set(PLACEHOLDER.findall(msgid))
