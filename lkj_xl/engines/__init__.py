"""File engines: ways to read and write a workbook file on disk behind the :class:`lkj_xl.book.Book` interface."""
