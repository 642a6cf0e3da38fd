"""The email's colours: the defaults, newsletter.yaml's `colors:` over them, and the
contrast every pair of text and background must have, as it is and as a mail app's
dark mode inverts it (WCAG's 4.5:1 for body text)."""

from __future__ import annotations

DEFAULT_COLORS = {
    "accent": "#16365c",  # the masthead, section titles, buttons
    "accent_text": "#ffffff",  # text on the accent
    "background": "#eef1f4",  # around the email, and its footer
    "text": "#1f2933",
    "link": "#1a56b8",
}
WHITE = "#ffffff"  # the email's body
# The tinted boxes: 'Try it in class', 'You asked, we found', a tool's facts.
BOXES = {"idea": "#eef7f1", "asked": "#fff4dc", "facts": "#f4f7fa"}
MINIMUM = 4.5

# Each text colour with each background it is shown on.
PAIRS = [
    ("text", WHITE),
    ("text", "background"),
    ("link", WHITE),
    ("link", "background"),
    ("accent", WHITE),
    ("accent_text", "accent"),
    *(("text", box) for box in BOXES.values()),
    *(("link", box) for box in BOXES.values()),
]


def palette(colors: dict[str, str]) -> dict[str, str]:
    """The colours an email is rendered with: the defaults, then the workspace's."""
    return {**DEFAULT_COLORS, **colors}


def box_colors(colors: dict[str, str]) -> dict[str, str]:
    return {**BOXES, "button": palette(colors)["accent"]}


def luminance(color: str) -> float:
    """WCAG 2's relative luminance of #rrggbb."""
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def inverted(color: str) -> str:
    """The colour as a dark mode that inverts colours shows it."""
    return "#" + "".join(f"{255 - int(color[i : i + 2], 16):02x}" for i in (1, 3, 5))


def contrast_problems(colors: dict[str, str]) -> list[tuple[str, str]]:
    """(field, why) for each pair below 4.5:1, as it is or inverted; the field named
    is the workspace's own (the text's, or the background's when only that is theirs)."""
    full = palette(colors)
    problems = []
    for text, background in PAIRS:
        fore, back = full[text], full.get(background, background)
        field = text if text in colors else background
        if field not in colors:
            continue  # both are the defaults, which pass
        for how, one, other in (
            ("", fore, back),
            (" in dark mode", inverted(fore), inverted(back)),
        ):
            ratio = contrast(one, other)
            if ratio < MINIMUM:
                on = f"'{background}' ({back})" if background in full else back
                problems.append((
                    field,
                    f"{fore} on {on} has a contrast of {int(ratio * 100) / 100:.2f}:1{how}; text "
                    f"needs at "
                    f"least {MINIMUM}:1 to be read",
                ))  # fmt: skip
                break
    return problems
