"""Delivery: what leaves the tracker for the outside world -- the reminders ("Pengingat") as an iCalendar file
(:mod:`.ics`), a small HTML page with WhatsApp links (:mod:`.html`) and e-mails over SMTP (:mod:`.mail`).

A layer beside :mod:`lkj_xl.files`: it may use the core, the workbook layer and the engines, never the file layer,
the authoring layer or the shells.  It never writes the tracker and never takes its write lock; the only file it keeps
is the send log in the tracker's backup folder, whose name the shell passes in.
"""
