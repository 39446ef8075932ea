"""Java's rules for text, numbers, dates and JSON, which the raw-log readers in convert.py follow.

``convert`` writes exactly the events the Java evaluator's raw-log reader produced before convert replaced it, and
Java differs from Python in small ways that decide whether a row is kept: ``String.trim`` removes only characters up to U+0020, ``isBlank`` and ``strip`` use
``Character.isWhitespace`` (not the no-break spaces), ``Long.parseLong`` takes a ``+`` sign and fails on overflow,
long arithmetic wraps, ``LocalDate.parse`` wants ``yyyy-MM-dd``, Jackson ignores text after the first JSON value and
prints numbers its own way, and quoting in CSV lines was that reader's own. This module reproduces those rules, and
only those, so the readers in convert.py can be written as plainly as the Java ones.
"""
import decimal
import json
import re
import unicodedata

LONG_MIN, LONG_MAX = -(1 << 63), (1 << 63) - 1


_JAVA_SPACE_CONTROLS = set("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f")


def java_is_whitespace(c):
    """Character.isWhitespace: the space separators except the no-break ones, line and paragraph separators, and
    the controls \\t \\n \\u000B \\f \\r \\u001C-\\u001F."""
    if c in _JAVA_SPACE_CONTROLS:
        return True
    return unicodedata.category(c) in ("Zs", "Zl", "Zp") and c not in "\u00a0\u2007\u202f"


def java_strip(s):
    """String.strip(): Character.isWhitespace removed from both ends."""
    i, j = 0, len(s)
    while i < j and java_is_whitespace(s[i]):
        i += 1
    while j > i and java_is_whitespace(s[j - 1]):
        j -= 1
    return s[i:j]


def java_is_blank(s):
    return all(java_is_whitespace(c) for c in s)


def java_trim(s):
    """String.trim(): characters up to U+0020 removed from both ends."""
    if s and s[0] > " " and s[-1] > " ":
        return s
    i, j = 0, len(s)
    while i < j and s[i] <= " ":
        i += 1
    while j > i and s[j - 1] <= " ":
        j -= 1
    return s[i:j]


def wrap_long(v):
    """A Python int as a Java long after overflow (two's complement, 64 bits)."""
    return ((v - LONG_MIN) % (1 << 64)) + LONG_MIN


def parse_long(s):
    """EventLogReader.parseLong: Long.parseLong(s.trim()), or None. A sign (+ or -) then decimal digits of any script
    (Character.digit), within the long range."""
    t = java_trim(s)
    if t.isascii() and t.isdigit() and len(t) < 19:  # the common case: plain ASCII digits that fit a long
        return int(t)
    body = t[1:] if t[:1] in ("+", "-") else t
    if not body:
        return None
    v = 0
    for c in body:
        d = unicodedata.decimal(c, None) if ord(c) <= 0xFFFF else None  # Java sees a supplementary char as 2 chars
        if d is None:
            return None
        v = v * 10 + d
    v = -v if t[0] == "-" else v
    return v if LONG_MIN <= v <= LONG_MAX else None


def java_double_to_string(x):
    """Double.toString (what Jackson's DoubleNode.asText gives): plain notation for 1e-3 <= |x| < 1e7, else
    d.dddE<n>; always a digit after the point. Digits: the shortest that round-trip."""
    if x != x:
        return "NaN"
    if x in (float("inf"), float("-inf")):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "-0.0" if str(x).startswith("-") else "0.0"
    sign = "-" if x < 0 else ""
    _, dd, e = decimal.Decimal(repr(abs(x))).normalize().as_tuple()
    dd = "".join(map(str, dd))
    e10 = len(dd) + e  # abs(x) = 0.<dd> * 10**e10
    if 1e-3 <= abs(x) < 1e7:
        if e10 <= 0:
            return sign + "0." + "0" * (-e10) + dd
        if e10 >= len(dd):
            return sign + dd + "0" * (e10 - len(dd)) + ".0"
        return sign + dd[:e10] + "." + dd[e10:]
    return sign + dd[0] + "." + (dd[1:] or "0") + "E" + str(e10 - 1)


def java_as_text(v):
    """JsonNode.asText() of a parsed JSON value: strings as they are, numbers as Java prints them, booleans as
    true/false, objects and arrays as ""."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return java_double_to_string(v)
    if isinstance(v, str):
        return v
    return ""


def json_quote(s):
    """Jackson's JsonStringEncoder.quoteAsString: \\" \\\\ \\b \\t \\n \\f \\r, other controls \\u00XX (upper-case hex),
    everything else as it is."""
    out = []
    for c in s:
        o = ord(c)
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif o < 0x20:
            out.append({8: "\\b", 9: "\\t", 10: "\\n", 12: "\\f", 13: "\\r"}.get(o, "\\u%04X" % o))
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


# Jackson's ObjectMapper.readTree

def _too_long_number(s, conv):
    if len(s) > 1000:  # Jackson's StreamReadConstraints: numbers of at most 1000 characters
        raise ValueError("number too long")
    return conv(s)


def _no_constant(name):
    raise ValueError("%s is not JSON" % name)  # Jackson rejects NaN and Infinity


_DECODER = json.JSONDecoder(parse_constant=_no_constant, parse_int=lambda s: _too_long_number(s, int),
                            parse_float=lambda s: _too_long_number(s, float))
INVALID_JSON = object()
_JSON_SPACE = " \t\r\n"


def read_tree(line):
    """The first JSON value on the line as Jackson's readTree reads it (what follows it is ignored, except that a
    number or literal at the top level must end at a space), or INVALID_JSON."""
    i = 0
    while i < len(line) and line[i] in _JSON_SPACE:
        i += 1
    if i == len(line):
        return None
    try:
        value, end = _DECODER.raw_decode(line, i)
    except (ValueError, RecursionError):
        return INVALID_JSON
    if not isinstance(value, (dict, list, str)) and end < len(line):
        nxt = line[end]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if nxt not in _JSON_SPACE:
                return INVALID_JSON
        elif nxt.isalnum() or nxt in "_$":
            return INVALID_JSON
    return value


def json_id(v):
    """EventLogReader.id: a string or integer id, as text, unless blank; None for anything else."""
    if v is None or isinstance(v, bool) or not isinstance(v, (str, int)):
        return None
    s = java_as_text(v)
    return None if java_is_blank(s) else s


def json_long(v):
    """An integral number (or a float with an integral value) as Java's asLong gives it; None for anything else."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    if isinstance(v, int):
        return wrap_long(v)  # BigInteger.longValue
    if v in (float("inf"), float("-inf")):
        return LONG_MAX if v > 0 else LONG_MIN  # rint(inf) == inf, and (long) inf saturates
    if not v.is_integer():
        return None
    return max(LONG_MIN, min(LONG_MAX, int(v)))


def csv_fields(line):
    """EventLogReader.csvFields: comma-separated, a double quote anywhere toggles quoting, "" inside quotes is one
    quote (RFC 4180 without line breaks inside fields)."""
    if '"' not in line:
        return line.split(",")
    fields, cur, q, i = [], [], False, 0
    while i < len(line):
        c = line[i]
        if q:
            if c == '"':
                if i + 1 < len(line) and line[i + 1] == '"':
                    cur.append('"')
                    i += 1
                else:
                    q = False
            else:
                cur.append(c)
        elif c == '"':
            q = True
        elif c == ",":
            fields.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    fields.append("".join(cur))
    return fields


_ISO_DATE = re.compile(r"(\+?)([0-9]+)-([0-9]{2})-([0-9]{2})\Z")
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def epoch_day_ms(text):
    """LocalDate.parse(text) (ISO yyyy-MM-dd, strict; a year beyond 9999 needs a +) at UTC midnight in epoch ms, or
    None when it does not parse, is before 1970 (EventLogReader treats a negative day as unparsed) or overflows."""
    m = _ISO_DATE.match(text)
    if not m:
        return None
    plus, ys, ms, ds = m.groups()
    if (not plus and len(ys) != 4) or (plus and not 5 <= len(ys) <= 10):
        return None
    y, mo, d = int(ys), int(ms), int(ds)
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    if y > 999_999_999 or not 1 <= mo <= 12 or not 1 <= d <= _DAYS_IN_MONTH[mo - 1] + (mo == 2 and leap):
        return None
    # days from civil (proleptic Gregorian)
    yy = y - (mo <= 2)
    era = yy // 400
    yoe = yy - era * 400
    doy = (153 * (mo + (-3 if mo > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    ms_ = (era * 146097 + doe - 719468) * 86_400_000
    return ms_ if 0 <= ms_ <= LONG_MAX else None
