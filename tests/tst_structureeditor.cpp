// SPDX-FileCopyrightText: 2026 The PiRack authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// The rack designer, offscreen and without any rack: the draft round-trips a structure file through
// rackd's own reader, an invalid file is drawn with its findings, and only a valid rack is saved.
#include "editor/structureeditor.h"
#include "editor/structuregridview.h"
#include "screenshots.h"
#include "structure/structuredraft.h"
#include "testfiles.h"

#include <QAction>
#include <QListWidget>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace {

QJsonObject withoutSource(const RackStructure &structure)
{
    QJsonObject json = structure.toJson();
    json.remove(u"file"_s);
    return json;
}

// Stacks 1 and 2 in the same cell (an error), and a misspelt key (a warning: it is ignored).
const QByteArray BrokenRack
    = "[rack]\npi_stack = 3\nrows = 1\ncols = 3\nrelay_backend = simulated\n"
      "subnet = 10.60.0.0/24\nmaster_address = 10.60.0.1\nfirst_address = 10.60.0.11\n"
      "[1]\nx = 1\ny = 1\n[2]\nx = 1\ny = 1\npiss = 2\n[3]\nx = 1\ny = 3\n";

} // namespace

class TestStructureEditor : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private Q_SLOTS:
    void theDraftRoundTripsTheReferenceRack()
    {
        const QString reference = QStringLiteral(PIRACK_SOURCE_DIR "/structure_rack.ini");
        const StructureLoadResult original = StructureReader::readFile(reference);
        QVERIFY(original.structure);
        const StructureDraft draft = StructureDraft::fromIni(readFile(reference));
        QCOMPARE(draft.stacks.size(), 12);
        const StructureLoadResult again = draft.validate(u"written.ini"_s);
        QVERIFY2(again.status == StructureLoadResult::Status::Valid,
            qPrintable(again.issues.isEmpty() ? QString() : again.issues.first().toString()));
        QCOMPARE(withoutSource(*again.structure), withoutSource(*original.structure));
        // And a second time: writing what was read gives the same text.
        QCOMPARE(StructureDraft::fromIni(draft.toIni()).toIni(), draft.toIni());
    }

    void theRackSectionIsFoundInAnyCase()
    {
        // rackd reads [rAck] as the [rack] section; the designer must keep its keys when it saves.
        const QByteArray content = "[rAck]\npi_stack = 2\nrows = 1\ncols = 2\n\n"
                                   "[1]\nid = 1\nx = 1\ny = 1\n\n[2]\nid = 2\nx = 1\ny = 2\n";
        QCOMPARE(
            StructureReader::parse(content, u"mixed-case.ini"_s).status, StructureLoadResult::Status::Valid);
        const StructureDraft draft = StructureDraft::fromIni(content);
        QCOMPARE(draft.value(u"pi_stack"_s), u"2"_s);
        QCOMPARE(draft.stacks.size(), 2);
        const StructureLoadResult saved = StructureReader::parse(draft.toIni(), u"saved.ini"_s);
        QVERIFY2(saved.status == StructureLoadResult::Status::Valid,
            qPrintable(saved.issues.isEmpty() ? QString() : saved.issues.first().toString()));
        QCOMPARE(saved.structure->pisPerStack, 2);
    }

    void anInvalidFileIsDrawnWithItsFindingsAndNotSaved()
    {
        const QString path = m_dir.filePath(u"broken.ini"_s);
        QVERIFY(writeFile(path, BrokenRack));
        StructureEditor editor;
        editor.show();
        QString error;
        QVERIFY2(editor.openFile(path, &error), qPrintable(error));
        QVERIFY(!editor.canSave());
        QStringList lines;
        for (int i = 0; i < editor.issueList()->count(); ++i)
            lines.append(editor.issueList()->item(i)->text());
        const QString findings = lines.join(u'\n');
        // The file's own line numbers, while it is as it was read.
        QVERIFY2(findings.contains(u"error: line 13: [2] x: "_s), qPrintable(findings));
        QVERIFY2(findings.contains(u"piss"_s), qPrintable(findings));
        saveScreenshot(&editor, u"structure-editor"_s);

        QVERIFY(!editor.save(&error));
        QVERIFY2(error.startsWith(u"rackd would refuse this rack"_s), qPrintable(error));
        QCOMPARE(readFile(path), BrokenRack);
        QVERIFY(!QFile::exists(path + u".bak"_s));

        // Dragging stack 2 to the free cell fixes the clash; the misspelt key is gone with the rewrite.
        editor.gridView()->setSelectedStack(2);
        QSignalSpy moved(editor.gridView(), &StructureGridView::moveRequested);
        QTest::keyClick(editor.gridView(), Qt::Key_Right, Qt::ControlModifier);
        QCOMPARE(moved.size(), 1);
        QCOMPARE(editor.draft().stack(2)->column, 2);
        QVERIFY(editor.canSave());
        QVERIFY2(editor.save(&error), qPrintable(error));
        QCOMPARE(readFile(path + u".bak"_s), BrokenRack);
        const StructureLoadResult saved = StructureReader::readFile(path);
        QVERIFY(saved.structure);
        QCOMPARE(saved.structure->stackAt(1, 2)->id, 2);
        QCOMPARE(saved.structure->stacks.size(), 3);
        QCOMPARE(saved.structure->addressing.firstAddress.toString(), u"10.60.0.11"_s); // kept as written
    }

    void editsAreValidatedAsTheyAreMade()
    {
        StructureEditor editor;
        editor.show();
        QVERIFY(editor.canSave()); // the blank rack is valid
        // A stack added in a new column, then the grid shrunk under it: an error, and no save.
        StructureDraft draft = editor.draft();
        draft.setValue(u"cols"_s, u"3"_s);
        editor.setDraft(draft);
        Q_EMIT editor.gridView()->addRequested(1, 3);
        QCOMPARE(editor.draft().stacks.size(), 3);
        QCOMPARE(editor.gridView()->selectedStack(), 3);
        QVERIFY(editor.canSave());
        draft = editor.draft();
        draft.setValue(u"cols"_s, u"2"_s);
        editor.setDraft(draft);
        QVERIFY(!editor.canSave());
        QVERIFY(containsErrors(editor.issues()));
        // Two stacks on one relay channel: refused, and saying which.
        draft.setValue(u"cols"_s, u"3"_s);
        draft.stack(3)->relayChannel = 1;
        editor.setDraft(draft);
        QVERIFY(!editor.canSave());
        QString error;
        const QString path = m_dir.filePath(u"new.ini"_s);
        QVERIFY(!editor.saveAs(path, &error));
        QVERIFY2(error.contains(u"relay_channel"_s), qPrintable(error));
        QVERIFY(!QFile::exists(path));
        draft.stack(3)->relayChannel.reset();
        editor.setDraft(draft);
        QVERIFY2(editor.saveAs(path, &error), qPrintable(error));
        QCOMPARE(StructureReader::readFile(path).structure->stacks.size(), 3);
        QCOMPARE(editor.filePath(), path);
    }
};

QTEST_MAIN(TestStructureEditor)
#include "tst_structureeditor.moc"
