// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "structureissue.h"

#include <QDebug>
#include <algorithm>

using namespace Qt::Literals::StringLiterals;

QString StructureIssue::toString() const
{
    QString text = file;
    if (line > 0)
        text += u':' + QString::number(line);
    text += isError() ? u": error: "_s : u": warning: "_s;
    if (!section.isEmpty())
        text += u'[' + section + u"] "_s;
    if (!key.isEmpty())
        text += key + u": "_s;
    return text + message;
}

QJsonObject StructureIssue::toJson() const
{
    QJsonObject object {
        {u"severity"_s, isError() ? u"error"_s : u"warning"_s}, {u"file"_s, file}, {u"message"_s, message}};
    if (line > 0)
        object.insert(u"line"_s, line);
    if (!section.isEmpty())
        object.insert(u"section"_s, section);
    if (!key.isEmpty())
        object.insert(u"key"_s, key);
    return object;
}

bool StructureIssue::operator==(const StructureIssue &other) const
{
    return severity == other.severity && file == other.file && line == other.line && section == other.section
        && key == other.key && message == other.message;
}

QDebug operator<<(QDebug debug, const StructureIssue &issue)
{
    QDebugStateSaver saver(debug);
    debug.noquote() << issue.toString();
    return debug;
}

bool containsErrors(const QList<StructureIssue> &issues)
{
    return std::any_of(
        issues.cbegin(), issues.cend(), [](const StructureIssue &issue) { return issue.isError(); });
}
