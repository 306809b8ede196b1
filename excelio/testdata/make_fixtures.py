#!/usr/bin/python3
"""Writes the person and company workbooks the excelio tests import, made
by openpyxl and xlwt rather than by the library itself, so the import is
tested on files of other origins. The workbooks are committed; run this
(Debian: python3-openpyxl python3-xlwt) only to change them:

    /usr/bin/python3 excelio/testdata/make_fixtures.py excelio/testdata
"""
import sys

import openpyxl
import xlwt

out = sys.argv[1] if len(sys.argv) > 1 else "."

PERSON = ["id", "sequenceNumber", "email", "firstName", "lastName", "ssn",
          "gdprRestricted", "customNote", "creditAllowed", "marketingSms",
          "marketingEmail", "phone", "customerCard:1", "group:vip"]
PEOPLE = [
    ["", "9001", "aino.virtanen@example.fi", "Aino", "Virtanen", "131052-308T",
     False, "Soita ensin\nkiitos", True, False, True, "040 123 4567", "600100000017", True],
    ["", "9002", "bo.lindqvist@example.se", "Bo", "Lindqvist", "", True, "",
     False, True, False, "+46 70 123 45 67", "generate()", False],
    ["", "9003", "", "Åsa", "Öberg", "", False, None, False, False, False, "", "", None],
]
COMPANY = ["id", "sequenceNumber", "email", "companyName", "taxCode",
           "creditAllowed", "customNote"]
COMPANIES = [
    ["", "9101", "info@pohjola.example", "Oy Pohjola Ab", "FI01120389", True, "Net 30"],
    ["", "9102", "", "Saaristo Oy", "FI01120389", False, ""],
]


def xlsx(name, header, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = name.split(".")[0]
    ws.append(header)
    for r in rows:
        ws.append(r)
    ws["B2"].number_format = "@"
    wb.save(f"{out}/{name}")


def xls(name, header, rows):
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Person Customers")
    for c, h in enumerate(header):
        ws.write(0, c, h)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if v is not None and v != "":
                ws.write(r, c, v)
    wb.save(f"{out}/{name}")


xlsx("openpyxl_person.xlsx", PERSON, PEOPLE)
xlsx("openpyxl_company.xlsx", COMPANY, COMPANIES)
xls("xlwt_person.xls", PERSON, PEOPLE)
