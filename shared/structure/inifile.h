// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

/// One `key = value` line. Keys are lower-cased (as Python's configparser, which read the
/// original PiRack files, does); values are trimmed and stripped of an inline comment.
struct IniEntry
{
    QString key;
    QString value;
    int line = 0;
};

struct IniSection
{
    QString name;
    int line = 0;
    QList<IniEntry> entries;

    /// The first entry with this (lower-case) key, or nullptr.
    const IniEntry *find(QStringView key) const;
};

struct IniSyntaxError
{
    int line = 0;
    QString message;
};

/**
 * A line-preserving INI reader. Unlike QSettings it keeps line numbers, keeps duplicate
 * sections and keys (so the caller can report them) and never guesses at a broken line.
 *
 * Comments are whole lines starting with ';' or '#', or a ';' / '#' that follows white space
 * inside a value. A value may be wrapped in double quotes to keep such characters.
 */
class IniFile
{
public:
    static IniFile parse(const QByteArray &content);

    const QList<IniSection> &sections() const { return m_sections; }
    const QList<IniSyntaxError> &errors() const { return m_errors; }

private:
    QList<IniSection> m_sections;
    QList<IniSyntaxError> m_errors;
};
