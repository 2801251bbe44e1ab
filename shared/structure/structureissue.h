// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

class QDebug;

/// One finding about a structure file: where it is (file, line, section, key) and what is wrong.
struct StructureIssue
{
    enum class Severity { Warning, Error };

    Severity severity = Severity::Error;
    QString file;
    int line = 0; ///< 1-based; 0 when the finding is about something missing.
    QString section; ///< Without brackets; empty for a finding about the whole file.
    QString key; ///< Empty for a finding about a whole section.
    QString message;

    bool isError() const { return severity == Severity::Error; }

    /// Compiler style, so editors can jump to it: `rack.ini:12: error: [3] x: ...`.
    QString toString() const;
    QJsonObject toJson() const;

    bool operator==(const StructureIssue &other) const;
};

QDebug operator<<(QDebug debug, const StructureIssue &issue);

bool containsErrors(const QList<StructureIssue> &issues);
