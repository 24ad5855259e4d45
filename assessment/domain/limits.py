"""How big things may be: the one home of every limit on what comes in from outside.

Files are checked against these before they are parsed, and while they are read, so that a small
hostile file cannot take the server's time or memory; text is held to the database's column
lengths in the domain, so that what SQLite would keep and PostgreSQL refuse is refused on both.
Each is far above what a council's real records need (noted beside it).
"""

from __future__ import annotations

# ---------------------------------------------------------------- framework and record files (YAML)
YAML_BYTES = 4 * 2**20          # NPS 2018 is 42 KB; ten years of Medway's record about 250 KB
YAML_DEPTH = 40                 # nesting of mappings and lists; a record file needs 7
YAML_SCALAR_DIGITS = 100        # digits in a plain number (Python refuses integers of over 4,300)
# A framework not in a file named ID.yaml is found by the id each file of its folder gives (read up
# to that key, not built): frameworks/ holds 2 files, each giving its id in its first 3 values.
FRAMEWORK_SEARCH_FILES = 50     # files read for their id
FRAMEWORK_SEARCH_BYTES = 16 * 2**20  # in all (four of the biggest files read); NPS 2018 is 42 KB
FRAMEWORK_SEARCH_NODES = 100_000  # values, lists and mappings read in all (YAML events: about 1.5 us each)

# ---------------------------------------------------------------- uploads (Word and Excel are zip files)
UPLOAD_BYTES = 20 * 2**20       # a 59-objective, 10-period appendix is about 60 KB
ZIP_MEMBERS = 300               # an appendix has 18 parts, a workbook 20
ZIP_MEMBER_BYTES = 16 * 2**20   # unpacked; a 10-period appendix's document.xml is 450 KB
ZIP_TOTAL_BYTES = 64 * 2**20    # unpacked, all parts together
SHEET_ROWS = 20_000             # rows read per sheet; 59 objectives x 10 periods is 590
SHEET_COLUMNS = 60              # columns read per row; the workbook's widest sheet has 12

# ---------------------------------------------------------------- work budgets (what a file may ask a reader to do)
# Counted cheaply before the costly parse (libyaml's event scan, bytes.count over an unpacked part or
# the text), so that a small file cannot ask for minutes or gigabytes: each is several times what
# a real record needs, measured on ten years of Medway's record and on the files this tool exports.
YAML_NODES = 50_000             # values, lists and mappings; ten years of Medway's record has 5,200
                                # (with every field of every objective filled in, 71,000), NPS 2018 919
YAML_SCALAR_CHARACTERS = 100_000  # one value; the longest text kept is a comment (32,000)
WORD_PART_ELEMENTS = 200_000    # XML elements in one part of a .docx; a 10-period appendix's
                                # document.xml has 12,600, Word's styles.xml 9,100
WORD_ELEMENTS = 500_000         # in all its parts; a 10-period appendix has 31,000
WORKBOOK_PART_ELEMENTS = 100_000  # in one part of an .xlsx; this tool's 10-period workbook's biggest
                                # sheet has 2,900 (with every action's progress noted, 57,000)
WORKBOOK_ELEMENTS = 400_000     # in all its parts; that workbook has 21,000
WORKBOOK_SETUP_ELEMENTS = 50_000  # in an .xlsx's parts other than sheets and shared strings
                                # (styles, workbook, properties): openpyxl makes an object of each,
                                # about 1.5 KB apiece; this tool's workbook has about 400
WORD_TABLE_COLUMNS = 63         # grid columns of a Word table (Word's own maximum); an appendix has 23
TABLE_CELLS = 200_000           # grid cells of all a .docx's tables; a 10-period appendix has 1,800
SHEET_CELLS = 200_000           # cells of a CSV file (a sheet's are bounded by its XML elements); 59
                                # objectives x 10 periods in the template's 4 columns are 2,400
BACKUP_BYTES = 1 * 2**30        # a 400-organisation, 10-period backup is 142 MB
BACKUP_VALUES = 25_000_000      # counted as commas and brackets; that backup has 4.8 million
BACKUP_VALUES_PER_KB = 100      # and no more than this a KB of the file: that backup holds 35 a KB
                                # (34.5; written with one space, as before December 2026, 43.5;
                                # with no spaces at all, 65.5; the tests' backups 26-36), 20 MB of
                                # zeros 500; parsing and refusing costs 0.2-0.6 us and 40-90 bytes a value
BACKUP_VALUES_FLOOR = 1_000_000  # ... or this many, however small the file (2 MB of zeros: 0.7 s)
BACKUP_OBJECTS_PER_KB = 10      # objects (rows), counted by their opening braces: that backup has 1.7 a KB
                                # (compacted, 3.3; the tests' backups 3.1-3.5); each costs a dict and
                                # passes in Python, about 5 us and 700 bytes: 20 MB of 700,000 rows took 9 s
BACKUP_OBJECTS_FLOOR = 100_000  # ... or this many, however small the file
BACKUP_KEYS = 100               # keys of any one object; a backup's widest, an entry, has 16
BACKUP_DEPTH = 200              # nesting; pydantic's JSON reader refuses deeper; a backup nests 11
BACKUP_CROSS_CHECKED = 200_000  # values: a bigger backup whose rows have problems is not also searched
                                # for duplicates, broken links and counts (a pass over every row in Python,
                                # up to 5 us a value: 2 MB of a million zeros took 4.6 s; a backup holds
                                # 12,000 for each organisation with 10 periods)

# ---------------------------------------------------------------- problems listed
PROBLEMS_KEPT = 1_000           # problems a reader keeps; the rest are counted
PROBLEMS_SHOWN = 30             # problems shown in one message; then "and N more"

# ---------------------------------------------------------------- text (the database's column lengths)
ORGANISATION_ID = 64
RECORD = 16             # which of an organisation's records ("" or "plan")
RATING = 64             # a rating's id on a plan's RAG scale
INDICATOR_VALUE = 1e15  # a plan indicator's value, either way of zero (as `workflows.plans` takes one)
ORGANISATION_NAME = 200
ORGANISATION_TYPE = 100
ORGANISATION_REGION = 100
BASELINE_AGREED = 200          # when and by whom the baseline was agreed
OWNER = 200
EVIDENCE_TITLE = 300
COMMENT = 32_000                # an Excel cell holds 32,767 characters
ACTION_TEXT = 4_000
NOTE = 4_000
PERSON = 200
EMAIL = 320                     # the longest address the standards allow
IDENTITY = 300                  # an identity provider's issuer or subject
DECISION = 300                  # "Cabinet", "Audit Committee", "Director of Finance (delegated decision)"
MINUTE = 100                    # a minute reference, such as "Minute 123/2026"
REASON = 2_000                  # why a period was reopened
CHANGE = 300                    # what made a version: "saved", "import appendix-2023.docx"
EVIDENCE_URL = 2_000            # browsers and Word handle web addresses of this length
TAB = 16                        # a browser tab's id, kept in the address (?tab=) with its drafts

# ---------------------------------------------------------------- respondent rounds (`domain.rounds`)
DEPARTMENT = 200                # a respondent's department, as the council names it
PERSPECTIVE = 100               # one perspective ("procurement officer"); the longest offered is 32
MEETING = 300                   # the meeting a moderated score was agreed at, as `DECISION`
TOKEN_HASH = 64                 # a link's token, kept only as its SHA-256 in hex
RESPONSE_ID = 32                # an answer set's random id (uuid4 in hex)

# ---------------------------------------------------------------- the covering report (`domain.covering`)
COVERING_SECTIONS = 40          # sections of a report shape or a covering report; the Cabinet shape has 14
COVERING_HEADING = 200          # a section's heading; the longest in the seeds is 50
COVERING_TEXT = 20_000          # one section's text; Leicestershire's longest section is about 3,000
COVERING_ITEMS = 26             # items of one section (lettered a to z); the seeds' longest list has 8
COVERING_ITEM = 2_000           # one item (a recommendation); the seeds' longest is 260
COVERING_CONTACT = 2_000        # the contact points; Leicestershire's three officers take 400


# ---------------------------------------------------------------- PDF copies (LibreOffice on the server)
PDF_DOCUMENT_BYTES = 1 * 2**20  # the Word body (word/document.xml) converted; Medway's report with its
                                # appendix is 200 KB (2 s); 1 MB took 8 s, 3.9 MB of long comments 137 s
PDF_SECONDS = 30                # a conversion is stopped after this; the largest allowed takes about 8 s
PDF_CPU_SECONDS = 20            # and after this much processor time: 210 KB of one wide character (U+FDFA,
                                # laid out glyph by glyph) took 32 s, 350 KB over a minute

# ---------------------------------------------------------------- reminders by email (`notify run`, `domain.reminders`)
REMINDERS_PER_RUN = 2_000       # messages one run sends; a council has a dozen people, a region's
                                # 400 councils about 2,000 (the rest wait for the next run, and are named)
REMINDER_ACTIONS = 40           # actions one message lists (the rest are counted, "and 12 more"); a
                                # head of procurement owns about 20 of Medway's 22


def backup_too_big(source: str, size: int) -> str | None:
    """The message for a backup of `size` bytes bigger than `BACKUP_BYTES`, or None: the one
    wording, whether the file's size is looked at before it is read or its bytes are counted."""
    if size <= BACKUP_BYTES:
        return None
    return (f"{source} is {-(-size // 2**20):,} MB; backups of up to {BACKUP_BYTES // 2**20:,} MB are read "
            "(a 400-organisation, 10-period backup is 142 MB): nothing was restored")


def too_long(what: str, text: str | None, limit: int) -> str | None:
    """The message for text longer than `limit` characters, or None: the one wording, wherever
    text comes in (a form, a record file, an import, a backup)."""
    if text is None or len(text) <= limit:
        return None
    return f"{what} is {len(text):,} characters long; up to {limit:,} can be kept"
