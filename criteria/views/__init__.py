"""Staff pages for a workshop's criteria set: the versions (overview, new version, the
proposed default, preview), the editor of the current version, and import and export.

Groups and criteria are addressed by code: a code survives the copy into a new version, so
a form opened on a version that froze meanwhile still saves (into the new version).
"""
