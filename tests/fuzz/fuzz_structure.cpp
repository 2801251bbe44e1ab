// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// The structure file: IniFile, StructureReader and the designer's StructureDraft, all from memory.
// A file rackd loads must still load after the designer opens it and saves it unchanged.
#include "fuzzsupport.h"

#include "structure/inifile.h"
#include "structure/structuredraft.h"
#include "structure/structurereader.h"

using namespace Qt::Literals::StringLiterals;

namespace {

QString describe(const StructureLoadResult &result)
{
    QStringList lines;
    for (const StructureIssue &issue : result.issues)
        lines.append(issue.toString());
    return lines.join(u'\n');
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray content = Fuzz::bytes(data, size);

    const IniFile ini = IniFile::parse(content);
    for (const IniSection &section : ini.sections()) {
        for (const IniEntry &entry : section.entries)
            PIRACK_FUZZ_CHECK(section.find(entry.key) != nullptr, entry.key);
    }

    const StructureLoadResult result = StructureReader::parse(content, u"fuzz.ini"_s);
    PIRACK_FUZZ_CHECK(result.status != StructureLoadResult::Status::Unreadable, describe(result));
    PIRACK_FUZZ_CHECK((result.status == StructureLoadResult::Status::Valid) == result.structure.has_value(),
        describe(result));

    const StructureDraft draft = StructureDraft::fromIni(content);
    const QByteArray saved = draft.toIni();
    const StructureLoadResult reread = StructureReader::parse(saved, u"saved.ini"_s);
    if (result.status == StructureLoadResult::Status::Valid) {
        PIRACK_FUZZ_CHECK(reread.status == StructureLoadResult::Status::Valid,
            describe(reread) + u"\n--- saved by the designer:\n"_s + QString::fromUtf8(saved));
    }
    return 0;
}
