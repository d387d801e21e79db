"""Excel import of entries collected offline (issue 9, item 15).

Many units still collect entries on paper or in Excel. A recommending unit (for its own declaring
units) or the committee office (for any) downloads the edition's template (`template`), one row
per entry, fills it and uploads it; every row is checked by the entry form's own rules
(`checks`, through entries.forms.validate_api_input), errors are shown by Excel row and column
header, and a confirmation turns the rows into drafts of their declaring units in one transaction
(`services`): the declaring unit completes the attachments and submits, as with any draft.

`columns` is the layout the template and the checks share.
"""
