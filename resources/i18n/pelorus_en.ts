<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>ConfirmDialog</name>
    <message numerus="yes">
        <source>{0} %n job(s)?</source>
        <translation>
            <numerusform>{0} %n job?</numerusform>
            <numerusform>{0} %n jobs?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Left as they are: %n other selected job(s) (listed below).</source>
        <translation>
            <numerusform>Left as they are: %n other selected job (listed below).</numerusform>
            <numerusform>Left as they are: %n other selected jobs (listed below).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;{0}&lt;/b&gt; these %n jobs?</source>
        <translation>
            <numerusform>&lt;b&gt;{0}&lt;/b&gt; these %n jobs?</numerusform>
            <numerusform>&lt;b&gt;{0}&lt;/b&gt; these %n jobs?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>%n workflow(s) {0}</source>
        <translation>
            <numerusform>%n workflow {0}</numerusform>
            <numerusform>%n workflows {0}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PodsView</name>
    <message numerus="yes">
        <source>{0} of %n pod(s):</source>
        <translation>
            <numerusform>{0} of %n pod:</numerusform>
            <numerusform>{0} of %n pods:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n pod(s):</source>
        <translation>
            <numerusform>%n pod:</numerusform>
            <numerusform>%n pods:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{0} %n pods?</source>
        <translation>
            <numerusform>{0} %n pods?</numerusform>
            <numerusform>{0} %n pods?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;{0} %n pods&lt;/b&gt;?</source>
        <translation>
            <numerusform>&lt;b&gt;{0} %n pods&lt;/b&gt;?</numerusform>
            <numerusform>&lt;b&gt;{0} %n pods&lt;/b&gt;?</numerusform>
        </translation>
    </message>
</context>
</TS>
