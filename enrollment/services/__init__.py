"""Write operations of the enrollment app, named <entity>_<action>.

`family` holds what guardians do, `office` what school staff do.
"""
