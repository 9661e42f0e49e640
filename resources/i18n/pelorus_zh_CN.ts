<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name></name>
    <message>
        <source>not delivered yet</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CommandPalette</name>
    <message>
        <source>No matches for “{0}”</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ConfirmDialog</name>
    <message>
        <source>all at once</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Instances restarted at a time; 0 restarts them all at once</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batch size (instances at a time):</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Times in &amp;UTC</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show every time in UTC instead of this computer&apos;s time zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About Pelorus</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About Pelorus</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Pelorus&lt;/b&gt;&lt;br&gt;A console for the Pelorus job engine: jobs, pods, logs, progress and workflows, and a protobuf editor.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Focus the filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keyboard shortcuts of the main window:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
