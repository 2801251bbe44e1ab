// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
#include "fuzzsupport.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QLoggingCategory>
#include <QTemporaryDir>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

using namespace Qt::Literals::StringLiterals;

namespace {
// Made once, for the whole process, and never destroyed: at exit Qt's own statics may be gone
// before ours, and a QCoreApplication destroyed then crashes.
QCoreApplication *application = nullptr;
QString temporary;
std::string temporaryToRemove; ///< The same folder, for an atexit handler that needs no Qt.

void removeTemporary()
{
    std::error_code ignored;
    std::filesystem::remove_all(temporaryToRemove, ignored);
}
} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    if (!QCoreApplication::instance())
        application = new QCoreApplication(*argc, *argv);
    // Parsers report bad input through qCWarning: millions of lines would dominate the run.
    QLoggingCategory::setFilterRules(u"*=false"_s);
    QTemporaryDir directory(QDir::tempPath() + u"/pirack-fuzz-XXXXXX"_s);
    if (!directory.isValid()) {
        std::fprintf(stderr, "cannot make a temporary folder: %s\n", qPrintable(directory.errorString()));
        std::abort();
    }
    directory.setAutoRemove(false);
    temporary = directory.path();
    temporaryToRemove = QFile::encodeName(temporary).toStdString();
    std::atexit(removeTemporary);
    return 0;
}

QString Fuzz::temporaryDirectory() { return temporary; }

QString Fuzz::writeTemporaryFile(const QString &name, const QByteArray &content)
{
    const QString path = temporary + u'/' + name;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(content) != content.size()) {
        std::fprintf(stderr, "cannot write %s: %s\n", qPrintable(path), qPrintable(file.errorString()));
        std::abort();
    }
    return path;
}

void Fuzz::fail(const char *what, const QString &detail)
{
    std::fprintf(stderr, "==pirack-fuzz== property broken: %s\n", what);
    if (!detail.isEmpty())
        std::fprintf(stderr, "==pirack-fuzz== %s\n", qUtf8Printable(detail));
    std::abort();
}
