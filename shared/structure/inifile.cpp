// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "inifile.h"

#include <QFile>
#include <QStringDecoder>

using namespace Qt::Literals::StringLiterals;

const IniEntry *IniSection::find(QStringView key) const
{
    for (const IniEntry &entry : entries) {
        if (entry.key == key)
            return &entry;
    }
    return nullptr;
}

namespace {

QString stripInlineComment(const QString &value)
{
    for (qsizetype i = 1; i < value.size(); ++i) {
        const QChar c = value.at(i);
        if ((c == u';' || c == u'#') && value.at(i - 1).isSpace())
            return value.left(i).trimmed();
    }
    return value;
}

bool isComment(const QString &text)
{
    return text.isEmpty() || text.startsWith(u';') || text.startsWith(u'#');
}

// A value in double quotes keeps ';' and '#'; after the closing quote only a comment may follow.
bool readValue(const QString &text, QString *value, QString *error)
{
    if (!text.startsWith(u'"')) {
        *value = stripInlineComment(text);
        return true;
    }
    const qsizetype close = text.indexOf(u'"', 1);
    if (close < 0) {
        *error = u"the value %1 has no closing quote"_s.arg(text);
        return false;
    }
    if (!isComment(text.mid(close + 1).trimmed())) {
        *error = u"unexpected text after the quoted value in %1"_s.arg(text);
        return false;
    }
    *value = text.mid(1, close - 1);
    return true;
}

} // namespace

IniFile IniFile::parse(const QByteArray &content)
{
    IniFile file;
    QByteArray bytes = content;
    if (bytes.startsWith("\xEF\xBB\xBF"))
        bytes.remove(0, 3);

    const QList<QByteArray> lines = bytes.split('\n');
    for (qsizetype index = 0; index < lines.size(); ++index) {
        const int lineNumber = int(index) + 1;
        QByteArray rawLine = lines.at(index);
        if (rawLine.endsWith('\r'))
            rawLine.chop(1);

        QStringDecoder decoder(QStringDecoder::Utf8);
        const QString decoded = decoder.decode(rawLine);
        if (decoder.hasError()) {
            file.m_errors.append({lineNumber, u"the line is not valid UTF-8 text"_s});
            continue;
        }
        if (decoded.contains(QChar(0))) {
            file.m_errors.append({lineNumber, u"the line contains a NUL byte"_s});
            continue;
        }
        const QString line = decoded.trimmed();
        if (isComment(line))
            continue;

        if (line.startsWith(u'[')) {
            const qsizetype close = line.indexOf(u']');
            if (close < 0) {
                file.m_errors.append({lineNumber, u"section header '%1' has no closing ']'"_s.arg(line)});
                continue;
            }
            const QString rest = line.mid(close + 1).trimmed();
            if (!isComment(rest)) {
                file.m_errors.append({lineNumber, u"unexpected text '%1' after section header"_s.arg(rest)});
                continue;
            }
            const QString name = line.mid(1, close - 1).trimmed();
            if (name.isEmpty()) {
                file.m_errors.append({lineNumber, u"empty section name '[]'"_s});
                continue;
            }
            file.m_sections.append({name, lineNumber, {}});
            continue;
        }

        qsizetype separator = -1;
        for (qsizetype i = 0; i < line.size(); ++i) {
            if (line.at(i) == u'=' || line.at(i) == u':') {
                separator = i;
                break;
            }
        }
        if (separator < 0) {
            file.m_errors.append({lineNumber, u"expected 'key = value', found '%1'"_s.arg(line)});
            continue;
        }
        const QString key = line.left(separator).trimmed().toLower();
        if (key.isEmpty()) {
            file.m_errors.append({lineNumber, u"a value without a key: '%1'"_s.arg(line)});
            continue;
        }
        if (file.m_sections.isEmpty()) {
            file.m_errors.append({lineNumber, u"key '%1' appears before any [section]"_s.arg(key)});
            continue;
        }
        QString value;
        QString error;
        if (!readValue(line.mid(separator + 1).trimmed(), &value, &error)) {
            file.m_errors.append({lineNumber, error});
            continue;
        }
        file.m_sections.last().entries.append({key, value, lineNumber});
    }
    return file;
}

void ConfigProblems::report(int line, const QString &key, const QString &message) const
{
    m_problems->append(
        u"%1:%2: %3%4"_s.arg(m_path).arg(line).arg(key.isEmpty() ? QString() : key + u": "_s, message));
}

void ConfigProblems::reportSyntax(const IniFile &ini) const
{
    for (const IniSyntaxError &syntaxError : ini.errors())
        report(syntaxError.line, {}, syntaxError.message);
}

std::optional<QByteArray> ConfigProblems::read(const QString &path, QStringList *problems)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        problems->append(u"%1: cannot read the configuration: %2"_s.arg(path, file.errorString()));
        return std::nullopt;
    }
    return file.read(1024 * 1024);
}
