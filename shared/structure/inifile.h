// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

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

/// For small configuration files (rackd.conf, agent.conf): problems as "file:line: key: message".
class ConfigProblems
{
public:
    ConfigProblems(QString path, QStringList *problems)
        : m_path(std::move(path))
        , m_problems(problems)
    { }

    void report(int line, const QString &key, const QString &message) const;
    /// The file's INI syntax errors, each as a problem.
    void reportSyntax(const IniFile &ini) const;

    /// Reads the file (at most 1 MiB); when it cannot be read, that is the one problem reported.
    static std::optional<QByteArray> read(const QString &path, QStringList *problems);

private:
    QString m_path;
    QStringList *m_problems;
};
