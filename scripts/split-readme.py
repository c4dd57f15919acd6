#!/usr/bin/env python3
"""Split the one-piece README.md into a short README.md and the pages of docs/.

Why a script: the README was split while other branches were still editing its sections. The
split is mechanical (sections move by their heading, headings shift to the page's level, links
follow the headings they point at), so it can be redone on whatever README.md `main` holds:

    git merge tools-presplit          # the README still in one piece, with issue 19's edits
    python3 scripts/split-readme.py   # README.md -> README.md + docs/*.md
    UPDATE_DOCS=1 cargo test --locked --test it docs::   # refresh the generated reference, code list
    cargo test --locked --test it docs:: acceptance::    # links, anchors, the README's walkthrough
    git add -A README.md docs && git commit -m "README split (scripts/split-readme.py)"

A heading the mapping below does not know (a section another branch added) stops the script,
naming it and its line: add it to SECTIONS (which page, at which level) and run again. Nothing
is written unless every section has a page.

Only the standard library; deterministic (same README, same bytes).
"""

import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# A section of the one-piece README, by its heading (exactly as written, without the `#`s), and
# where it goes: the file, and the level its heading takes there (1: it is the page's title;
# every heading inside the section shifts by the same amount). A `##` section whose `###`
# sections are listed here is split at them, and then every `###` under it must be listed.
# Order within a page is the README's order.
SECTIONS = [
    ("cachegen", "README.md", 1),
    ("Install", "README.md", 2),
    ("Your first repository", "README.md", 2),
    ("CI and pull requests", "README.md", 2),
    ("Documentation", "README.md", 2),
    ("How it works", "docs/design.md", 2),
    ("The spec: `cache.yaml`", "docs/spec.md", 1),
    ("Outputs", "docs/outputs.md", 1),
    ("checkov, the scanner downstream", "docs/outputs.md", 2),
    ("Self-hosted: docker-compose and redis.conf", "docs/self-hosted.md", 1),
    ("AWS ElastiCache: `terraform/aws/`", "docs/aws.md", 1),
    ("Redis Cluster (`topology.mode: cluster`)", "docs/self-hosted.md", 2),
    ("Azure: `terraform/azure/`", "docs/azure.md", 1),
    ("Google Cloud Memorystore: `terraform/gcp/`", "docs/gcp.md", 1),
    ("The application's `.env`", "docs/outputs.md", 2),
    ("The team's files in `generated/`", "docs/outputs.md", 2),
    ("Terraform state", "docs/outputs.md", 2),
    ("Day two: changing a cache that exists", "docs/day-two.md", 1),
    ("Command line", "docs/command-line.md", 1),
    ("Exit codes", "docs/command-line.md", 2),
    ("`render --check`", "docs/command-line.md", 2),
    ("JSON and SARIF", "docs/command-line.md", 2),
    ("Rules, the tier policy and waivers", "docs/rules.md", 1),
    ("Verify a live server: `cachegen verify`", "docs/verify.md", 1),
    ("Project settings: `cachegen.toml`", "docs/command-line.md", 2),
    ("CI, code scanning and pre-commit", "docs/ci.md", 1),
    ("Guarantees", "docs/guarantees.md", 1),
    ("Performance", "docs/performance.md", 1),
    ("Libraries", "docs/design.md", 2),
    ("Developing cachegen", "README.md", 2),
    ("Every code", "docs/rules.md", 2),
    # Sections other branches were adding when the README was split (issues 17 and 18).
    ("Change impact: `cachegen impact`", "docs/impact.md", 1),
    ("Monitoring: alerts on every target, and `verify` health", "docs/monitoring.md", 1),
]

# Headings of the README before the split that issue 19 renamed or replaced: a link another
# branch wrote to one of them follows it.
ANCHOR_RENAMES = {
    "quick-start": "your-first-repository",
    "development": "developing-cachegen",
    "design-notes": "libraries",
    "in-ci-and-before-commit": "ci-code-scanning-and-pre-commit",
    "rules-the-tier-policy-and-exceptions-cachegen-rules-cachegen-explain": (
        "rules-the-tier-policy-and-waivers"
    ),
}

# Pages whose title is not one of the README's headings: the title, and a line under it.
PAGE_TITLES = {
    "docs/design.md": "# Design\n",
}

HEADING = re.compile(r"^(#{1,6}) (.*)$")
LINK = re.compile(r"\]\(([^)\s]+)\)")


def slug(text):
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces as dashes."""
    return "".join(
        "-" if c == " " else c
        for c in text.strip().lower()
        if c.isalnum() or c in " -_"
    )


def lines_outside_code(lines):
    """Yield (index, line, in_code) with fenced code blocks marked."""
    fence = None
    for i, line in enumerate(lines):
        stripped = line.lstrip()
        if fence is None and stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            yield i, line, True
        elif fence is not None:
            if stripped.startswith(fence):
                fence = None
            yield i, line, True
        else:
            yield i, line, False


def fail(msg):
    print(f"split-readme: {msg}", file=sys.stderr)
    sys.exit(1)


def split(text):
    lines = text.split("\n")
    known = {h: (page, level) for h, page, level in SECTIONS}
    headings = []  # (line index, level, text)
    for i, line, in_code in lines_outside_code(lines):
        m = HEADING.match(line)
        if m and not in_code:
            headings.append((i, len(m.group(1)), m.group(2).strip()))
    if not any(t == "Guarantees" and lvl == 2 for _, lvl, t in headings):
        fail("README.md is not the one-piece README (no `## Guarantees`): already split?")

    # Which `##` sections are split at their `###` sections.
    split_parents = set()
    parent = None
    for i, lvl, t in headings:
        if lvl <= 2:
            parent = t
        elif lvl == 3 and t in known:
            split_parents.add(parent)

    # The start of every section that moves on its own.
    starts = []
    parent = None
    for i, lvl, t in headings:
        if lvl <= 2:
            parent = t
            if t not in known:
                fail(f'line {i + 1}: no page for the section "{"#" * lvl} {t}": add it to SECTIONS')
            starts.append((i, lvl, t))
        elif lvl == 3 and parent in split_parents:
            if t not in known:
                fail(
                    f'line {i + 1}: "### {t}" is under "## {parent}", which is split at its ### '
                    "sections: add it to SECTIONS"
                )
            starts.append((i, lvl, t))
    if starts[0][0] != 0:
        fail("README.md does not start with its title")
    seen = [t for _, _, t in starts]
    for h, _, _ in SECTIONS:
        if seen.count(h) > 1:
            fail(f'two sections are titled "{h}"')

    # Cut, shift headings, and remember where every heading's anchor goes.
    pages = {}
    anchors = {}  # old slug -> (page, new slug)
    for n, (start, lvl, t) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        page, level = known[t]
        shift = level - lvl
        body = []
        for _, line, in_code in lines_outside_code(lines[start:end]):
            m = HEADING.match(line)
            if m and not in_code:
                new_level = len(m.group(1)) + shift
                if not 1 <= new_level <= 6:
                    fail(f'"{line}" would be at level {new_level} in {page}')
                text_ = m.group(2).strip()
                anchors.setdefault(slug(text_), (page, slug(text_)))
                line = "#" * new_level + " " + text_
            body.append(line)
        while body and body[-1] == "":
            body.pop()
        pages.setdefault(page, []).append("\n".join(body))

    out = {}
    for page, parts in pages.items():
        head = PAGE_TITLES.get(page)
        text_ = "\n\n".join(([head.rstrip("\n")] if head else []) + parts) + "\n"
        out[page] = rewrite_links(text_, page, anchors)
    return out


def relative(from_page, to_page):
    return os.path.relpath(to_page, os.path.dirname(from_page) or ".")


def rewrite_links(text, page, anchors):
    """Links were written for the one-piece README: `#anchor` follows its heading to its page,
    a path from the repository root becomes relative to the page."""

    def fix(m):
        target = m.group(1)
        if re.match(r"^[a-z]+:", target):
            return m.group(0)
        path, _, anchor = target.partition("#")
        if not path:
            anchor = ANCHOR_RENAMES.get(anchor, anchor)
            if anchor not in anchors:
                fail(f"{page}: the link #{anchor} names no heading")
            to_page, new = anchors[anchor]
            if to_page == page:
                return f"](#{new})"
            return f"]({relative(page, to_page)}#{new})"
        new_path = relative(page, path)
        return f"]({new_path}{'#' + anchor if anchor else ''})"

    out = []
    for _, line, in_code in lines_outside_code(text.split("\n")):
        if not in_code:
            line = LINK.sub(fix, line)
            line = line.replace("tests/it/readme.rs", "tests/it/docs.rs")
        out.append(line)
    return "\n".join(out)


def add_to_table(pages):
    """The README's table of pages (under `## Documentation`) links every page: a page that a
    section from another branch created gets a row, named after its title."""
    readme = pages["README.md"].split("\n")
    try:
        start = readme.index("## Documentation")
    except ValueError:
        fail("README.md has no `## Documentation` section with the table of pages")
    last = None
    for i in range(start + 1, len(readme)):
        if readme[i].startswith("|"):
            last = i
        elif last is not None:
            break
    if last is None:
        fail("`## Documentation` has no table")
    text = "\n".join(readme)
    rows = []
    for page in sorted(pages):
        if page.startswith("docs/") and f"]({page})" not in text:
            title = pages[page].split("\n", 1)[0].lstrip("# ").strip()
            rows.append(f"| [{page}]({page}) | {title} |")
    return "\n".join(readme[: last + 1] + rows + readme[last + 1 :])


def main():
    readme = os.path.join(ROOT, "README.md")
    with open(readme, encoding="utf-8") as f:
        pages = split(f.read())
    pages["README.md"] = add_to_table(pages)
    os.makedirs(os.path.join(ROOT, "docs"), exist_ok=True)
    for page in sorted(pages):
        path = os.path.join(ROOT, page)
        tmp = path + ".split-tmp"
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write(pages[page])
        os.replace(tmp, path)
        print(f"{page}: {pages[page].count(chr(10))} lines")


if __name__ == "__main__":
    main()
