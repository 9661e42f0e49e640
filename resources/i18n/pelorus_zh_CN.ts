<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Actions</name>
    <message>
        <source>deleted</source>
        <translation>已删除</translation>
    </message>
    <message>
        <source>already stopping</source>
        <translation>正在停止</translation>
    </message>
    <message>
        <source>already stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>already finished</source>
        <translation>已结束</translation>
    </message>
    <message>
        <source>still stopping</source>
        <translation>仍在停止中</translation>
    </message>
    <message>
        <source>already running</source>
        <translation>已在运行</translation>
    </message>
    <message>
        <source>stopped (start it instead)</source>
        <translation>已停止（请改为启动）</translation>
    </message>
    <message>
        <source>not running (start it instead)</source>
        <translation>未在运行（请改为启动）</translation>
    </message>
    <message>
        <source>not started yet</source>
        <translation>尚未启动</translation>
    </message>
    <message>
        <source>no update or restart in progress</source>
        <translation>没有进行中的更新或重启</translation>
    </message>
    <message>
        <source>already paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>workflow not rolling yet</source>
        <translation>工作流尚未开始滚动</translation>
    </message>
    <message>
        <source>not paused</source>
        <translation>未暂停</translation>
    </message>
    <message>
        <source>still active (stop it first, or delete with force)</source>
        <translation>仍在活动（请先停止，或强制删除）</translation>
    </message>
    <message>
        <source>already ended</source>
        <translation>已结束</translation>
    </message>
    <message>
        <source>still running</source>
        <translation>仍在运行</translation>
    </message>
    <message>
        <source>being stopped</source>
        <translation>正在停止</translation>
    </message>
    <message>
        <source>&amp;New job…</source>
        <translation>新建作业(&amp;N)…</translation>
    </message>
    <message>
        <source>Create a job from a spec</source>
        <translation>根据规格创建作业</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>编辑(&amp;E)…</translation>
    </message>
    <message>
        <source>Edit the job&apos;s spec (rolling update)</source>
        <translation>编辑作业规格（滚动更新）</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>启动(&amp;S)</translation>
    </message>
    <message>
        <source>Start the selected jobs (a new run of a finished or stopped job)</source>
        <translation>启动所选作业（已结束或已停止的作业会开始新一次运行）</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>启动</translation>
    </message>
    <message>
        <source>started</source>
        <translation>已启动</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>停止(&amp;T)</translation>
    </message>
    <message>
        <source>Stop (kill) the selected jobs</source>
        <translation>停止（终止）所选作业</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Running pods get SIGTERM, then SIGKILL after their grace period.</source>
        <translation>运行中的 Pod 先收到 SIGTERM，宽限期过后收到 SIGKILL。</translation>
    </message>
    <message>
        <source>&amp;Restart…</source>
        <translation>重启(&amp;R)…</translation>
    </message>
    <message>
        <source>Rolling restart of running jobs</source>
        <translation>滚动重启运行中的作业</translation>
    </message>
    <message>
        <source>Restart</source>
        <translation>重启</translation>
    </message>
    <message>
        <source>restarting</source>
        <translation>正在重启</translation>
    </message>
    <message>
        <source>Pods are killed and started again, batch by batch.</source>
        <translation>Pod 将分批终止并重新启动。</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>暂停(&amp;P)</translation>
    </message>
    <message>
        <source>Pause the rolling workflow</source>
        <translation>暂停滚动中的工作流</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>Res&amp;ume</source>
        <translation>恢复(&amp;U)</translation>
    </message>
    <message>
        <source>Resume the paused workflow</source>
        <translation>恢复已暂停的工作流</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>resumed</source>
        <translation>已恢复</translation>
    </message>
    <message>
        <source>&amp;Abort workflow</source>
        <translation>中止工作流(&amp;A)</translation>
    </message>
    <message>
        <source>Abort the update or restart in progress</source>
        <translation>中止进行中的更新或重启</translation>
    </message>
    <message>
        <source>Abort workflow</source>
        <translation>中止工作流</translation>
    </message>
    <message>
        <source>aborted</source>
        <translation>已中止</translation>
    </message>
    <message>
        <source>Instances not yet reached stay as they are; the workflow cannot be resumed.</source>
        <translation>尚未处理到的实例保持原样；工作流中止后无法恢复。</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>删除(&amp;D)</translation>
    </message>
    <message>
        <source>Delete finished jobs</source>
        <translation>删除已结束的作业</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Each job, its pods&apos; history and its logs are removed.</source>
        <translation>将移除每个作业及其 Pod 历史和日志。</translation>
    </message>
    <message>
        <source>Delete with &amp;force…</source>
        <translation>强制删除(&amp;F)…</translation>
    </message>
    <message>
        <source>Stop, then delete (cannot be undone)</source>
        <translation>先停止再删除（无法撤销）</translation>
    </message>
    <message>
        <source>Force delete</source>
        <translation>强制删除</translation>
    </message>
    <message>
        <source>Running pods are killed, then everything is removed. This cannot be undone.</source>
        <translation>先终止运行中的 Pod，再移除全部内容。此操作无法撤销。</translation>
    </message>
    <message>
        <source>Re&amp;fresh</source>
        <translation>刷新(&amp;F)</translation>
    </message>
    <message>
        <source>Reload the selected jobs from the store</source>
        <translation>从存储重新加载所选作业</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>refreshed</source>
        <translation>已刷新</translation>
    </message>
    <message>
        <source>&amp;Open job</source>
        <translation>打开作业(&amp;O)</translation>
    </message>
    <message>
        <source>Show the job&apos;s detail (Enter)</source>
        <translation>显示作业详情（Enter）</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Load &amp;demo jobs</source>
        <translation>加载示例作业(&amp;D)</translation>
    </message>
    <message>
        <source>Create the demo jobs</source>
        <translation>创建示例作业</translation>
    </message>
    <message>
        <source>&amp;Filter</source>
        <translation>筛选(&amp;F)</translation>
    </message>
    <message>
        <source>Focus the filter box (/)</source>
        <translation>定位到筛选框（/）</translation>
    </message>
    <message>
        <source>Command &amp;palette…</source>
        <translation>命令面板(&amp;P)…</translation>
    </message>
    <message>
        <source>Every action with its shortcut, and jobs by name</source>
        <translation>所有操作及其快捷键，并可按名称查找作业</translation>
    </message>
    <message>
        <source>S&amp;top pod…</source>
        <translation>停止 Pod(&amp;T)…</translation>
    </message>
    <message>
        <source>Stop the pod&apos;s current run</source>
        <translation>停止该 Pod 的当前运行</translation>
    </message>
    <message>
        <source>Its process gets SIGTERM, then SIGKILL after the grace period; the pod ends KILLED.</source>
        <translation>其进程先收到 SIGTERM，宽限期过后收到 SIGKILL；Pod 以 KILLED 结束。</translation>
    </message>
    <message>
        <source>&amp;Start pod…</source>
        <translation>启动 Pod(&amp;S)…</translation>
    </message>
    <message>
        <source>Start a new run of the instance</source>
        <translation>为该实例启动新一次运行</translation>
    </message>
    <message>
        <source>A new run of this instance is started.</source>
        <translation>将为该实例启动新一次运行。</translation>
    </message>
    <message>
        <source>&amp;Restart pod…</source>
        <translation>重启 Pod(&amp;R)…</translation>
    </message>
    <message>
        <source>Kill the current run and start a new one</source>
        <translation>终止当前运行并启动新一次运行</translation>
    </message>
    <message>
        <source>restarted</source>
        <translation>已重启</translation>
    </message>
    <message>
        <source>The running process is killed and a new run starts (the job&apos;s SLA is checked first).</source>
        <translation>终止运行中的进程并开始新一次运行（先检查作业的 SLA）。</translation>
    </message>
    <message>
        <source>&amp;Close tab</source>
        <translation>关闭标签页(&amp;C)</translation>
    </message>
    <message>
        <source>Close the job&apos;s tab (its streams end)</source>
        <translation>关闭该作业的标签页（其数据流随之结束）</translation>
    </message>
    <message>
        <source>Ne&amp;xt tab</source>
        <translation>下一个标签页(&amp;X)</translation>
    </message>
    <message>
        <source>Show the next tab</source>
        <translation>显示下一个标签页</translation>
    </message>
    <message>
        <source>Pre&amp;vious tab</source>
        <translation>上一个标签页(&amp;V)</translation>
    </message>
    <message>
        <source>Show the previous tab</source>
        <translation>显示上一个标签页</translation>
    </message>
    <message>
        <source>&amp;Connect…</source>
        <translation>连接(&amp;C)…</translation>
    </message>
    <message>
        <source>Connect to a remote engine (address and token)</source>
        <translation>连接到远程引擎（地址和令牌）</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>导出(&amp;E)…</translation>
    </message>
    <message>
        <source>Save the jobs shown (filter and sort applied) as CSV or JSON</source>
        <translation>将显示的作业（已应用筛选和排序）保存为 CSV 或 JSON</translation>
    </message>
    <message>
        <source>&amp;Open protobuf file…</source>
        <translation>打开 protobuf 文件(&amp;O)…</translation>
    </message>
    <message>
        <source>Open a binary protobuf message in the editor</source>
        <translation>在编辑器中打开二进制 protobuf 消息</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Close Pelorus (asks what to do with a busy embedded engine)</source>
        <translation>关闭 Pelorus（如果内置引擎仍在忙，会询问如何处理）</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <source>Copy the selection (table rows as tab-separated text)</source>
        <translation>复制所选内容（表格行复制为以制表符分隔的文本）</translation>
    </message>
    <message>
        <source>Select &amp;all</source>
        <translation>全选(&amp;A)</translation>
    </message>
    <message>
        <source>Select everything in the focused table or text</source>
        <translation>选择当前焦点所在表格或文本中的全部内容</translation>
    </message>
    <message>
        <source>&amp;Save current view…</source>
        <translation>保存当前视图(&amp;S)…</translation>
    </message>
    <message>
        <source>Name the filter, columns and sort, to return to them</source>
        <translation>为当前的筛选、列和排序命名，以便之后回到它们</translation>
    </message>
    <message>
        <source>&amp;Protobuf editor</source>
        <translation>Protobuf 编辑器(&amp;P)</translation>
    </message>
    <message>
        <source>Show the protobuf editor</source>
        <translation>显示 protobuf 编辑器</translation>
    </message>
    <message>
        <source>&amp;Call…</source>
        <translation>调用(&amp;C)…</translation>
    </message>
    <message>
        <source>Call a gRPC method (the Call panel beside the protobuf editor)</source>
        <translation>调用 gRPC 方法（protobuf 编辑器旁的调用面板）</translation>
    </message>
    <message>
        <source>not a job action</source>
        <translation>不是作业操作</translation>
    </message>
    <message>
        <source>not a pod action</source>
        <translation>不是 Pod 操作</translation>
    </message>
    <message>
        <source>read-only connection</source>
        <translation>只读连接</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>select a job</source>
        <translation>请选择一个作业</translation>
    </message>
    <message>
        <source>select a pod</source>
        <translation>请选择一个 Pod</translation>
    </message>
    <message>
        <source>select exactly one job</source>
        <translation>请只选择一个作业</translation>
    </message>
    <message>
        <source> and {0} more</source>
        <translation> 等另外 {0} 个</translation>
    </message>
    <message>
        <source>{0}: cancelled, nothing was sent</source>
        <translation>{0}：已取消，未发送任何请求</translation>
    </message>
    <message>
        <source>{0} {1}</source>
        <comment>a count, then what was done</comment>
        <translation>{1} {0} 个</translation>
    </message>
    <message>
        <source>{0} {1}</source>
        <comment>a pod, then what was done to it</comment>
        <translation>{0} {1}</translation>
    </message>
    <message>
        <source>nothing to {0}</source>
        <translation>没有可{0}的对象</translation>
    </message>
    <message>
        <source>{0} {1}: {2}</source>
        <translation>{0} 个{1}：{2}</translation>
    </message>
    <message>
        <source>%n failed: {0}</source>
        <translation>%n 个失败：{0}</translation>
    </message>
    <message>
        <source>{0} {1}</source>
        <comment>a count, then a reason</comment>
        <translation>{0} 个{1}</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
</context>
<context>
    <name>BusyRow</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>CallPanel</name>
    <message>
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <source>the connected engine, or host:port</source>
        <translation>已连接的引擎，或 host:port</translation>
    </message>
    <message>
        <source>Empty: the engine the console is connected to, with its TLS and token</source>
        <translation>留空：控制台当前连接的引擎（沿用其 TLS 和令牌）</translation>
    </message>
    <message>
        <source>Plaintext</source>
        <translation>明文</translation>
    </message>
    <message>
        <source>No TLS (a unix: address never uses TLS)</source>
        <translation>不使用 TLS（unix: 地址从不使用 TLS）</translation>
    </message>
    <message>
        <source>Load services</source>
        <translation>加载服务</translation>
    </message>
    <message>
        <source>Read the server&apos;s schemas by server reflection</source>
        <translation>通过服务器反射读取服务器的模式</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <source>TLS CA certificate file</source>
        <translation>TLS CA 证书文件</translation>
    </message>
    <message>
        <source>TLS CA certificate (PEM) path; empty = the system&apos;s roots</source>
        <translation>TLS CA 证书（PEM）路径；留空则使用系统根证书</translation>
    </message>
    <message>
        <source>TLS CA</source>
        <translation>TLS CA</translation>
    </message>
    <message>
        <source>Services and methods</source>
        <translation>服务和方法</translation>
    </message>
    <message>
        <source>Service / method</source>
        <translation>服务 / 方法</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Request (JSON; several objects, one per line, for a stream)</source>
        <translation>请求（JSON；流式调用时每行一个对象）</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>the JSON below</source>
        <translation>下方的 JSON</translation>
    </message>
    <message>
        <source>the editor&apos;s message</source>
        <translation>编辑器中的消息</translation>
    </message>
    <message>
        <source>The message open in the editor, byte for byte (a varint-delimited stream of records for a client-streaming method): edit it in the typed tree</source>
        <translation>编辑器中打开的消息，逐字节发送（客户端流式方法为 varint 分隔的记录流）：在类型化树中编辑</translation>
    </message>
    <message>
        <source>Edit in editor ▸</source>
        <translation>在编辑器中编辑 ▸</translation>
    </message>
    <message>
        <source>Open this JSON in the editor&apos;s typed tree, and send what the editor holds</source>
        <translation>在编辑器的类型化树中打开此 JSON，并发送编辑器中的内容</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>请求</translation>
    </message>
    <message>
        <source>The request message in protobuf text format</source>
        <translation>protobuf 文本格式的请求消息</translation>
    </message>
    <message>
        <source>Request metadata</source>
        <translation>请求元数据</translation>
    </message>
    <message>
        <source>Header names and values sent with the call</source>
        <translation>随调用发送的标头名称和值</translation>
    </message>
    <message>
        <source>Metadata name</source>
        <translation>元数据名称</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>截止时间</translation>
    </message>
    <message>
        <source>Deadline in seconds</source>
        <translation>截止时间（秒）</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Copy as ▾</source>
        <translation>复制为 ▾</translation>
    </message>
    <message>
        <source>Copy as grpcurl</source>
        <translation>复制为 grpcurl 命令</translation>
    </message>
    <message>
        <source>Copy as main.py call</source>
        <translation>复制为 main.py call 命令</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Choose a method, write the request, Send.</source>
        <translation>选择方法，编写请求，然后发送。</translation>
    </message>
    <message>
        <source>Responses</source>
        <translation>响应</translation>
    </message>
    <message>
        <source>Open in editor</source>
        <translation>在编辑器中打开</translation>
    </message>
    <message>
        <source>Save .bin…</source>
        <translation>保存 .bin…</translation>
    </message>
    <message>
        <source>History (double-click to fill the form again)</source>
        <translation>历史记录（双击重新填入表单）</translation>
    </message>
    <message>
        <source>Call history</source>
        <translation>调用历史记录</translation>
    </message>
    <message>
        <source>several objects, one per line</source>
        <translation>多个对象，每行一个</translation>
    </message>
    <message>
        <source>one object</source>
        <translation>一个对象</translation>
    </message>
    <message>
        <source>Request: {0} (JSON, {1})</source>
        <translation>请求：{0}（JSON，{1}）</translation>
    </message>
    <message>
        <source>Reading services from {0}…</source>
        <translation>正在从 {0} 读取服务…</translation>
    </message>
    <message>
        <source>the connected engine</source>
        <translation>已连接的引擎</translation>
    </message>
    <message>
        <source>Services loaded.</source>
        <translation>服务已加载。</translation>
    </message>
    <message>
        <source>Could not load services: {0}</source>
        <translation>无法加载服务：{0}</translation>
    </message>
    <message>
        <source>not connected to an engine: type a server address</source>
        <translation>未连接到引擎：请输入服务器地址</translation>
    </message>
    <message>
        <source>the console is in read-only mode: {0} would change the engine</source>
        <translation>控制台处于只读模式：{0} 会修改引擎</translation>
    </message>
    <message>
        <source>Choose a method first.</source>
        <translation>请先选择方法。</translation>
    </message>
    <message>
        <source>{0} takes one request; the text holds {1}</source>
        <translation>{0} 只接受一个请求；文本中有 {1} 个</translation>
    </message>
    <message>
        <source>Calling {0} on {1}…</source>
        <translation>正在调用 {1} 上的 {0}…</translation>
    </message>
    <message>
        <source>Cancelled after {0} response(s).</source>
        <translation>已在收到 {0} 个响应后取消。</translation>
    </message>
    <message>
        <source>the editor has no message open: Edit in editor, or send the JSON</source>
        <translation>编辑器中没有打开的消息：请先“在编辑器中编辑”，或发送 JSON</translation>
    </message>
    <message>
        <source>the editor&apos;s message is a {0}; {1} takes a {2}</source>
        <translation>编辑器中的消息是 {0}；{1} 需要 {2}</translation>
    </message>
    <message>
        <source>The request is open in the editor as {0}; Send sends it.</source>
        <translation>请求已作为 {0} 在编辑器中打开；点击“发送”即可发送。</translation>
    </message>
    <message>
        <source>(does not parse as {0})</source>
        <translation>（无法解析为 {0}）</translation>
    </message>
    <message>
        <source>#{0}  {1:,} bytes  {2}</source>
        <translation>#{0}  {1:,} 字节  {2}</translation>
    </message>
    <message>
        <source>Double-click to open it in the editor, byte-exact</source>
        <translation>双击以逐字节原样在编辑器中打开</translation>
    </message>
    <message>
        <source>{0:.1f} ms</source>
        <translation>{0:.1f} 毫秒</translation>
    </message>
    <message>
        <source> (first response after {0:.1f} ms)</source>
        <translation>（首个响应用时 {0:.1f} 毫秒）</translation>
    </message>
    <message>
        <source>{0} · {1} response(s) · {2}</source>
        <translation>{0} · {1} 个响应 · {2}</translation>
    </message>
    <message>
        <source>
Trailers: {0}</source>
        <translation>
Trailers：{0}</translation>
    </message>
    <message>
        <source>Saved response {0} to {1}.</source>
        <translation>已将响应 {0} 保存到 {1}。</translation>
    </message>
    <message>
        <source>Save the response</source>
        <translation>保存响应</translation>
    </message>
    <message>
        <source>Protobuf (*.bin);;All files (*)</source>
        <translation>Protobuf (*.bin);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Cannot save {0}: {1}</source>
        <translation>无法保存 {0}：{1}</translation>
    </message>
    <message>
        <source>{0} is not loaded: Load services first.</source>
        <translation>{0} 未加载：请先“加载服务”。</translation>
    </message>
    <message>
        <source>Copied: </source>
        <translation>已复制：</translation>
    </message>
</context>
<context>
    <name>ClientError</name>
    <message>
        <source>the connection to the engine was closed</source>
        <extracomment>What the engine&apos;s auth interceptor gives operators and admins; refused locally in read-only mode. Feeds replace the channel after this many failed attempts in a row: a fresh channel forgets grpc&apos;s own reconnect backoff and any state it kept about a dead peer. Listing 100k jobs takes seconds, not the unary deadline. A feed gives up on these (retrying cannot help); everything else is retried with backoff.</extracomment>
        <translation>与引擎的连接已关闭</translation>
    </message>
    <message>
        <source>the engine is not serving (shutting down?)</source>
        <extracomment>The token&apos;s role as the engine announced it (&quot;viewer&quot;, &quot;operator&quot;, &quot;admin&quot;); None on an engine without tokens (the embedded one), where everything is allowed.</extracomment>
        <translation>引擎未在提供服务（正在关闭？）</translation>
    </message>
    <message>
        <source>not connected to an engine</source>
        <translation>未连接到引擎</translation>
    </message>
    <message>
        <source>the console is in read-only mode</source>
        <translation>控制台处于只读模式</translation>
    </message>
    <message>
        <source>{address} does not offer server reflection ({names})</source>
        <translation>{address} 不提供服务器反射（{names}）</translation>
    </message>
    <message>
        <source>the server ended the reflection stream early</source>
        <translation>服务器提前结束了反射流</translation>
    </message>
    <message>
        <source>listing services failed: {error_message}</source>
        <translation>列出服务失败：{error_message}</translation>
    </message>
    <message>
        <source>the engine ended the watch</source>
        <translation>引擎结束了监视</translation>
    </message>
    <message>
        <source>{action} failed: {message}</source>
        <translation>{action}失败：{message}</translation>
    </message>
    <message>
        <source>Abort job workflow</source>
        <translation>中止作业工作流</translation>
    </message>
    <message>
        <source>Create job</source>
        <translation>创建作业</translation>
    </message>
    <message>
        <source>Delete job</source>
        <translation>删除作业</translation>
    </message>
    <message>
        <source>Get job</source>
        <translation>获取作业</translation>
    </message>
    <message>
        <source>Get job cache</source>
        <translation>获取作业缓存</translation>
    </message>
    <message>
        <source>Get job ID from job name</source>
        <translation>按作业名称获取作业 ID</translation>
    </message>
    <message>
        <source>Get job progress history</source>
        <translation>获取作业进度历史</translation>
    </message>
    <message>
        <source>Get pod</source>
        <translation>获取 Pod</translation>
    </message>
    <message>
        <source>Get pod events</source>
        <translation>获取 Pod 事件</translation>
    </message>
    <message>
        <source>Get pod logs</source>
        <translation>获取 Pod 日志</translation>
    </message>
    <message>
        <source>Get replace job diff</source>
        <translation>获取替换作业的差异</translation>
    </message>
    <message>
        <source>Get workflow events</source>
        <translation>获取工作流事件</translation>
    </message>
    <message>
        <source>List job pod events</source>
        <translation>列出作业的 Pod 事件</translation>
    </message>
    <message>
        <source>List job versions</source>
        <translation>列出作业版本</translation>
    </message>
    <message>
        <source>List job workflows</source>
        <translation>列出作业工作流</translation>
    </message>
    <message>
        <source>List jobs</source>
        <translation>列出作业</translation>
    </message>
    <message>
        <source>List pods</source>
        <translation>列出 Pod</translation>
    </message>
    <message>
        <source>Patch job</source>
        <translation>修补作业</translation>
    </message>
    <message>
        <source>Pause job workflow</source>
        <translation>暂停作业工作流</translation>
    </message>
    <message>
        <source>Query jobs</source>
        <translation>查询作业</translation>
    </message>
    <message>
        <source>Query pods</source>
        <translation>查询 Pod</translation>
    </message>
    <message>
        <source>Refresh job</source>
        <translation>刷新作业</translation>
    </message>
    <message>
        <source>Replace job</source>
        <translation>替换作业</translation>
    </message>
    <message>
        <source>Restart job</source>
        <translation>重启作业</translation>
    </message>
    <message>
        <source>Restart pod</source>
        <translation>重启 Pod</translation>
    </message>
    <message>
        <source>Resume job workflow</source>
        <translation>恢复作业工作流</translation>
    </message>
    <message>
        <source>Start job</source>
        <translation>启动作业</translation>
    </message>
    <message>
        <source>Start pod</source>
        <translation>启动 Pod</translation>
    </message>
    <message>
        <source>Stop job</source>
        <translation>停止作业</translation>
    </message>
    <message>
        <source>Stop pod</source>
        <translation>停止 Pod</translation>
    </message>
    <message>
        <source>Watch</source>
        <translation>监视</translation>
    </message>
    <message>
        <source>Watch job</source>
        <translation>监视作业</translation>
    </message>
    <message>
        <source>Server reflection info</source>
        <translation>服务器反射</translation>
    </message>
    <message>
        <source>the engine&apos;s TLS certificate is not trusted ({why}); is the right CA certificate given?</source>
        <translation>引擎的 TLS 证书不受信任（{why}）；是否提供了正确的 CA 证书？</translation>
    </message>
    <message>
        <source>the engine&apos;s host name cannot be resolved ({why})</source>
        <translation>无法解析引擎的主机名（{why}）</translation>
    </message>
    <message>
        <source>the connection to the engine was lost ({why})</source>
        <translation>与引擎的连接已断开（{why}）</translation>
    </message>
    <message>
        <source>the engine is unreachable ({why})</source>
        <translation>无法访问引擎（{why}）</translation>
    </message>
    <message>
        <source>the engine did not answer in time</source>
        <translation>引擎未在截止时间内应答</translation>
    </message>
</context>
<context>
    <name>CommandPalette</name>
    <message>
        <source>Command palette</source>
        <translation>命令面板</translation>
    </message>
    <message>
        <source>Command or job name</source>
        <translation>命令或作业名称</translation>
    </message>
    <message>
        <source>Type a command, or a job&apos;s name, id or label (team=ml)…</source>
        <translation>输入命令，或作业的名称、ID 或标签（team=ml）…</translation>
    </message>
    <message>
        <source>Matching commands and jobs</source>
        <translation>匹配的命令和作业</translation>
    </message>
    <message>
        <source> · id</source>
        <translation> · ID</translation>
    </message>
    <message>
        <source>Open job {0}  — {1}</source>
        <translation>打开作业 {0}  — {1}</translation>
    </message>
    <message>
        <source>Select job {0} ({1}) and open it in its tab</source>
        <translation>选中作业 {0}（{1}）并在其标签页中打开</translation>
    </message>
    <message>
        <source>No matches for “{0}”</source>
        <translation>没有与“{0}”匹配的结果</translation>
    </message>
</context>
<context>
    <name>Comparison</name>
    <message>
        <source>+ {path}: {value}  [right @{start}+{length}]</source>
        <translation>+ {path}：{value}  [右侧 @{start}+{length}]</translation>
    </message>
    <message>
        <source>- {path}: {value}  [left @{start}+{length}]</source>
        <translation>- {path}：{value}  [左侧 @{start}+{length}]</translation>
    </message>
    <message>
        <source>~ {path}: {left} → {right}  [left @{lstart}+{llength}, right @{rstart}+{rlength}]</source>
        <translation>~ {path}：{left} → {right}  [左侧 @{lstart}+{llength}，右侧 @{rstart}+{rlength}]</translation>
    </message>
    <message>
        <source>{text}  ({note})</source>
        <translation>{text}（{note}）</translation>
    </message>
    <message>
        <source>moved to {item}</source>
        <translation>移到了 {item}</translation>
    </message>
    <message>
        <source>moved from {item}</source>
        <translation>从 {item} 移来</translation>
    </message>
    <message>
        <source>same value, encoded differently</source>
        <translation>值相同，编码不同</translation>
    </message>
    <message>
        <source>wire type {left} → {right}</source>
        <translation>线路类型 {left} → {right}</translation>
    </message>
    <message>
        <source>same fields, encoded differently (field order or varint widths)</source>
        <translation>字段相同，编码不同（字段顺序或 varint 宽度）</translation>
    </message>
    <message>
        <source>same message, its length prefix encoded differently</source>
        <translation>消息相同，其长度前缀的编码不同</translation>
    </message>
    <message>
        <source>no differences{records}</source>
        <translation>没有差异{records}</translation>
    </message>
    <message>
        <source>no differences (bytes identical){records}</source>
        <translation>没有差异（字节完全相同）{records}</translation>
    </message>
    <message>
        <source>{n:,} difference(s): {added:,} added, {removed:,} removed, {changed:,} changed{encoding}{records}</source>
        <translation>{n:,} 处差异：新增 {added:,}，删除 {removed:,}，更改 {changed:,}{encoding}{records}</translation>
    </message>
    <message>
        <source>{n:,}+ difference(s): {added:,} added, {removed:,} removed, {changed:,} changed{encoding}{records}</source>
        <translation>{n:,}+ 处差异：新增 {added:,}，删除 {removed:,}，更改 {changed:,}{encoding}{records}</translation>
    </message>
    <message>
        <source> ({enc:,} only in encoding)</source>
        <translation>（{enc:,} 处仅编码不同）</translation>
    </message>
    <message>
        <source> in {left:,} → {n:,} {framing} record(s)</source>
        <translation>，共 {left:,} → {n:,} 条 {framing} 记录</translation>
    </message>
</context>
<context>
    <name>ConfirmDialog</name>
    <message numerus="yes">
        <source>{0} %n job(s)?</source>
        <translation>
            <numerusform>{0} %n 个作业？</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Left as they are: %n other selected job(s) (listed below).</source>
        <translation>
            <numerusform>保持不变：另外 %n 个已选作业（见下方列表）。</numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;b&gt;{0}&lt;/b&gt; this job?</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt;此作业？</translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;{0}&lt;/b&gt; these %n jobs?</source>
        <translation>
            <numerusform>&lt;b&gt;{0}&lt;/b&gt;这 %n 个作业？</numerusform>
        </translation>
    </message>
    <message>
        <source>What this acts on</source>
        <translation>操作对象</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>批次大小</translation>
    </message>
    <message>
        <source>all at once</source>
        <translation>全部一次</translation>
    </message>
    <message>
        <source>Instances restarted at a time; 0 restarts them all at once</source>
        <translation>每批重启的实例数；0 表示一次全部重启</translation>
    </message>
    <message>
        <source>Batch size (instances at a time):</source>
        <translation>批次大小（每批实例数）：</translation>
    </message>
    <message>
        <source>Type &lt;b&gt;{0}&lt;/b&gt; to confirm:</source>
        <translation>输入 &lt;b&gt;{0}&lt;/b&gt; 以确认：</translation>
    </message>
    <message>
        <source>Type the job name to confirm</source>
        <translation>输入作业名称以确认</translation>
    </message>
</context>
<context>
    <name>ConflictDialog</name>
    <message>
        <source>The job changed while you edited it</source>
        <translation>作业在你编辑期间已被修改</translation>
    </message>
    <message>
        <source>Someone else changed this job (now at version {0}). Nothing was overwritten. Compare the three versions; &lt;b&gt;Rebase&lt;/b&gt; re-opens your edit on top of theirs, so you can review it and submit again.</source>
        <translation>其他人修改了此作业（当前为版本 {0}）。没有覆盖任何内容。请比较三个版本；&lt;b&gt;变基&lt;/b&gt;会在对方的修改之上重新打开你的编辑，供你检查后再次提交。</translation>
    </message>
    <message>
        <source>Base (what you started from)</source>
        <translation>基准（你开始编辑时的版本）</translation>
    </message>
    <message>
        <source>Theirs (version {0})</source>
        <translation>对方（版本 {0}）</translation>
    </message>
    <message>
        <source>Yours</source>
        <translation>你的</translation>
    </message>
    <message>
        <source>Rebase my edit onto theirs</source>
        <translation>将我的编辑变基到对方版本之上</translation>
    </message>
</context>
<context>
    <name>ConnectionDialog</name>
    <message>
        <source>Type the engine&apos;s address.</source>
        <translation>请输入引擎地址。</translation>
    </message>
    <message>
        <source>Type the socket&apos;s path after unix:.</source>
        <translation>请在 unix: 之后输入套接字路径。</translation>
    </message>
    <message>
        <source>Write it as host:port, e.g. jobs.example.com:7443.</source>
        <translation>请写成 主机:端口 的形式，例如 jobs.example.com:7443。</translation>
    </message>
    <message>
        <source>The port must be a number from 1 to 65535.</source>
        <translation>端口必须是 1 到 65535 之间的数字。</translation>
    </message>
    <message>
        <source>The address cannot contain spaces.</source>
        <translation>地址不能包含空格。</translation>
    </message>
    <message>
        <source>Add a remote engine</source>
        <translation>添加远程引擎</translation>
    </message>
    <message>
        <source>Connect to an engine started elsewhere (pelorus-engine --listen HOST:PORT).</source>
        <translation>连接到在别处启动的引擎（pelorus-engine --listen 主机:端口）。</translation>
    </message>
    <message>
        <source>Engine address</source>
        <translation>引擎地址</translation>
    </message>
    <message>
        <source>Plaintext (no TLS: only for an engine started with --insecure)</source>
        <translation>明文（不使用 TLS：仅用于以 --insecure 启动的引擎）</translation>
    </message>
    <message>
        <source>stored in the system keyring, or a file only you can read</source>
        <translation>保存在系统密钥环中，或仅你可读的文件中</translation>
    </message>
    <message>
        <source>Add and connect</source>
        <translation>添加并连接</translation>
    </message>
</context>
<context>
    <name>DetailTabs</name>
    <message>
        <source>Close the tab of {0}</source>
        <translation>关闭 {0} 的标签页</translation>
    </message>
</context>
<context>
    <name>Document</name>
    <message>
        <source>undo {edit}</source>
        <translation>撤销{edit}</translation>
    </message>
    <message>
        <source>set field {number} at offset {offset}</source>
        <translation>设置偏移 {offset} 处的字段 {number}</translation>
    </message>
    <message>
        <source>remove field {number} at offset {offset}</source>
        <translation>删除偏移 {offset} 处的字段 {number}</translation>
    </message>
    <message>
        <source>insert field {number} at offset {offset}</source>
        <translation>在偏移 {offset} 处插入字段 {number}</translation>
    </message>
    <message>
        <source>move field {number} to position {index}</source>
        <translation>将字段 {number} 移到位置 {index}</translation>
    </message>
    <message>
        <source>swap field {a} at offset {a_offset} with field {b} at offset {b_offset}</source>
        <translation>交换偏移 {a_offset} 处的字段 {a} 与偏移 {b_offset} 处的字段 {b}</translation>
    </message>
    <message>
        <source>add a {size}-byte record at offset {offset}</source>
        <translation>在偏移 {offset} 处添加一条 {size} 字节的记录</translation>
    </message>
    <message>
        <source>remove the {size}-byte record at offset {offset}</source>
        <translation>删除偏移 {offset} 处 {size} 字节的记录</translation>
    </message>
    <message>
        <source>canonicalise as {type}</source>
        <translation>按 {type} 规范化</translation>
    </message>
    <message>
        <source>remove {n} occurrence(s) of field(s) {fields}</source>
        <translation>删除字段 {fields} 的 {n} 次出现</translation>
    </message>
    <message>
        <source>insert field(s) {fields} at position {at}</source>
        <translation>在位置 {at} 插入字段 {fields}</translation>
    </message>
    <message>
        <source>{first} and {second}</source>
        <translation>{first}，并{second}</translation>
    </message>
</context>
<context>
    <name>EditActions</name>
    <message>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Move up</source>
        <translation>上移</translation>
    </message>
    <message>
        <source>Move down</source>
        <translation>下移</translation>
    </message>
    <message>
        <source>Canonicalise</source>
        <translation>规范化</translation>
    </message>
    <message>
        <source>Re-encode the message through its schema (field order, varint widths, packing): an explicit, undoable step</source>
        <translation>按模式重新编码消息（字段顺序、varint 宽度、打包方式）：一个显式、可撤销的步骤</translation>
    </message>
    <message>
        <source>Edit ▾</source>
        <translation>编辑 ▾</translation>
    </message>
    <message>
        <source>Add record</source>
        <translation>添加记录</translation>
    </message>
    <message>
        <source>Insert an empty record after this one</source>
        <translation>在此记录之后插入一条空记录</translation>
    </message>
    <message>
        <source>Remove record…</source>
        <translation>删除记录…</translation>
    </message>
    <message>
        <source>Structure</source>
        <translation>结构</translation>
    </message>
    <message>
        <source>Add {0} after {1}	Insert</source>
        <translation>在 {1} 之后添加 {0}	Insert</translation>
    </message>
    <message>
        <source>Add field inside {0}</source>
        <translation>在 {0} 内添加字段</translation>
    </message>
    <message>
        <source>beside {0}</source>
        <translation>与 {0} 同级</translation>
    </message>
    <message>
        <source>Add field {0}</source>
        <translation>添加字段（{0}）</translation>
    </message>
    <message>
        <source>Add field</source>
        <translation>添加字段</translation>
    </message>
    <message>
        <source>after {0}</source>
        <translation>在 {0} 之后</translation>
    </message>
    <message>
        <source>at the end</source>
        <translation>在末尾</translation>
    </message>
    <message>
        <source>Add field {0}…</source>
        <translation>添加字段（{0}）…</translation>
    </message>
    <message>
        <source>Move {0} up	Ctrl+Up</source>
        <translation>上移 {0}	Ctrl+Up</translation>
    </message>
    <message>
        <source>Move {0} down	Ctrl+Down</source>
        <translation>下移 {0}	Ctrl+Down</translation>
    </message>
    <message>
        <source>Remove {0}…</source>
        <translation>删除 {0}…</translation>
    </message>
    <message>
        <source>Remove {0}	Del</source>
        <translation>删除 {0}	Del</translation>
    </message>
    <message>
        <source>Clear {0} (all {1})…</source>
        <translation>清空 {0}（共 {1} 项）…</translation>
    </message>
    <message>
        <source>Clear oneof {0} ({1})</source>
        <translation>清除 oneof {0}（{1}）</translation>
    </message>
    <message>
        <source>set oneof member</source>
        <translation>设置 oneof 成员</translation>
    </message>
    <message>
        <source>Set oneof {0}</source>
        <translation>设置 oneof {0}</translation>
    </message>
    <message>
        <source> — clears {0}</source>
        <translation> — 将清除 {0}</translation>
    </message>
    <message>
        <source>Nothing can be added here.</source>
        <translation>此处无法添加任何内容。</translation>
    </message>
    <message>
        <source>at the end of the top level</source>
        <translation>在顶层末尾</translation>
    </message>
    <message>
        <source>{0} ({1}, {2:,} bytes)</source>
        <translation>{0}（{1}，{2:,} 字节）</translation>
    </message>
    <message>
        <source>Its whole subtree goes with it.</source>
        <translation>其整个子树将一并删除。</translation>
    </message>
    <message>
        <source>Every value in this packed list goes with it.</source>
        <translation>此打包列表中的所有值将一并删除。</translation>
    </message>
    <message>
        <source>Remove field</source>
        <translation>删除字段</translation>
    </message>
    <message>
        <source>Remove {0}?</source>
        <translation>删除 {0}？</translation>
    </message>
    <message>
        <source> Undo brings it back.</source>
        <translation> 可通过撤销恢复。</translation>
    </message>
    <message>
        <source>Remove all of {0} ({1}: {2} item(s))?</source>
        <translation>删除全部 {0}（{1}：{2} 项）？</translation>
    </message>
    <message>
        <source>Clear field</source>
        <translation>清空字段</translation>
    </message>
    <message>
        <source>Undo brings them back.</source>
        <translation>可通过撤销恢复。</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
</context>
<context>
    <name>EditError</name>
    <message>
        <source>unknown framing {framing!r}</source>
        <translation>未知的分帧 {framing!r}</translation>
    </message>
    <message>
        <source>no gRPC frame header at offset {prefix_offset}</source>
        <translation>偏移 {prefix_offset} 处没有 gRPC 帧头</translation>
    </message>
    <message>
        <source>no record prefix at offset {prefix_offset}: {reason}</source>
        <translation>偏移 {prefix_offset} 处没有记录前缀：{reason}</translation>
    </message>
    <message>
        <source>record at offset {prefix_offset} runs past the end</source>
        <translation>偏移 {prefix_offset} 处的记录超出了末尾</translation>
    </message>
    <message>
        <source>empty path: name a field</source>
        <translation>路径为空：请指定一个字段</translation>
    </message>
    <message>
        <source>path {path}: level {depth} has {n} field(s), no index {idx}</source>
        <translation>路径 {path}：第 {depth} 层有 {n} 个字段，没有索引 {idx}</translation>
    </message>
    <message>
        <source>path {path}: field {number} at offset {tag_offset} is not a message</source>
        <translation>路径 {path}：偏移 {tag_offset} 处的字段 {number} 不是消息</translation>
    </message>
    <message>
        <source>changing a group to another wire type is not supported</source>
        <translation>不支持将 group 改为其他线路类型</translation>
    </message>
    <message>
        <source>unknown kind {kind!r}</source>
        <translation>未知的种类 {kind!r}</translation>
    </message>
    <message>
        <source>field at path {parent} is not a message</source>
        <translation>路径 {parent} 处的字段不是消息</translation>
    </message>
    <message>
        <source>index {index} out of range 0..{n}</source>
        <translation>索引 {index} 超出范围 0..{n}</translation>
    </message>
    <message>
        <source>index {new_index} out of range 0..{last}</source>
        <translation>索引 {new_index} 超出范围 0..{last}</translation>
    </message>
    <message>
        <source>nothing to remove</source>
        <translation>没有可删除的内容</translation>
    </message>
    <message>
        <source>fields to remove must be on one level</source>
        <translation>要删除的字段必须位于同一层</translation>
    </message>
    <message>
        <source>index {i} out of range 0..{last}</source>
        <translation>索引 {i} 超出范围 0..{last}</translation>
    </message>
    <message>
        <source>insert position {insert_at} out of range 0..{n}</source>
        <translation>插入位置 {insert_at} 超出范围 0..{n}</translation>
    </message>
    <message>
        <source>nothing to change</source>
        <translation>没有可更改的内容</translation>
    </message>
    <message>
        <source>fields to swap must be on one level</source>
        <translation>要交换的字段必须位于同一层</translation>
    </message>
    <message>
        <source>a field cannot be swapped with itself</source>
        <translation>字段不能与自身交换</translation>
    </message>
    <message>
        <source>index {k} out of range 0..{last}</source>
        <translation>索引 {k} 超出范围 0..{last}</translation>
    </message>
    <message>
        <source>bytes {offset}..{end} are outside the document</source>
        <translation>字节 {offset}..{end} 超出了文档范围</translation>
    </message>
    <message>
        <source>a gRPC frame holds at most 4 GiB</source>
        <translation>一个 gRPC 帧最多容纳 4 GiB</translation>
    </message>
    <message>
        <source>records need a stream framing (varint or grpc), not {framing!r}</source>
        <translation>记录需要流式分帧（varint 或 grpc），而不是 {framing!r}</translation>
    </message>
    <message>
        <source>bytes to insert are not whole fields: {reason}</source>
        <translation>要插入的字节不是完整的字段：{reason}</translation>
    </message>
    <message>
        <source>document changed under the edit at offset {offset}</source>
        <translation>在偏移 {offset} 处编辑时文档已被更改</translation>
    </message>
    <message>
        <source>cannot infer how to encode {type} for wire type {wire_type}</source>
        <translation>无法推断如何将 {type} 编码为线路类型 {wire_type}</translation>
    </message>
    <message>
        <source>not a varint: {reason}</source>
        <translation>不是 varint：{reason}</translation>
    </message>
    <message>
        <source>raw varint value has trailing bytes</source>
        <translation>原始 varint 值后有多余的字节</translation>
    </message>
    <message>
        <source>fixed32 value needs 4 bytes, got {n}</source>
        <translation>fixed32 值需要 4 个字节，实际为 {n} 个</translation>
    </message>
    <message>
        <source>fixed64 value needs 8 bytes, got {n}</source>
        <translation>fixed64 值需要 8 个字节，实际为 {n} 个</translation>
    </message>
    <message>
        <source>group body does not parse</source>
        <translation>无法解析 group 的内容</translation>
    </message>
    <message>
        <source>{full_name} is not a field of {full_name2}</source>
        <translation>{full_name} 不是 {full_name2} 的字段</translation>
    </message>
    <message>
        <source>{label} is already set; edit its value instead</source>
        <translation>{label} 已设置；请改为编辑它的值</translation>
    </message>
    <message>
        <source>{label} is not set</source>
        <translation>{label} 未设置</translation>
    </message>
    <message>
        <source>move by one item at a time</source>
        <translation>每次只能移动一项</translation>
    </message>
    <message>
        <source>no field at path {path}</source>
        <translation>路径 {path} 处没有字段</translation>
    </message>
    <message>
        <source>{label} is already the first item</source>
        <translation>{label} 已是第一项</translation>
    </message>
    <message>
        <source>{label} is already the last item</source>
        <translation>{label} 已是最后一项</translation>
    </message>
    <message>
        <source>not hex bytes: {text!r} (two hex digits per byte, e.g. 0a ff)</source>
        <translation>不是 hex 字节：{text!r}（每个字节两位十六进制数字，例如 0a ff）</translation>
    </message>
    <message>
        <source>type a value</source>
        <translation>请输入一个值</translation>
    </message>
    <message>
        <source>not a number: {s!r}</source>
        <translation>不是数字：{s!r}</translation>
    </message>
    <message>
        <source>{s} does not fit a 32-bit float</source>
        <translation>{s} 超出 32 位浮点数的范围</translation>
    </message>
    <message>
        <source>not an integer: {s!r}</source>
        <translation>不是整数：{s!r}</translation>
    </message>
    <message>
        <source>wire type {wire_type} cannot be added here</source>
        <translation>无法在此处添加线路类型 {wire_type}</translation>
    </message>
    <message>
        <source>{s} does not fit {bits} bits</source>
        <translation>{s} 超出 {bits} 位的范围</translation>
    </message>
    <message>
        <source>field numbers go from 1 to {max:,}, not {number}</source>
        <translation>字段编号的范围是 1 到 {max:,}，而不是 {number}</translation>
    </message>
    <message>
        <source>no field at position {after} on this level</source>
        <translation>此层的位置 {after} 处没有字段</translation>
    </message>
    <message>
        <source>seconds / nanos here are not plain varints: edit the fields one by one</source>
        <translation>此处的 seconds / nanos 不是普通的 varint：请逐个编辑这些字段</translation>
    </message>
    <message>
        <source>the value is unchanged</source>
        <translation>值未改变</translation>
    </message>
</context>
<context>
    <name>EditorSession</name>
    <message>
        <source>one message</source>
        <translation>单条消息</translation>
    </message>
    <message>
        <source>{n:,} {framing} record(s)</source>
        <translation>{n:,} 条 {framing} 记录</translation>
    </message>
    <message>
        <source>{name}: {size:,} bytes, {what}.</source>
        <translation>{name}：{size:,} 字节，{what}。</translation>
    </message>
    <message>
        <source>{name}: {size:,} bytes, {what} (decoded from hex text).</source>
        <translation>{name}：{size:,} 字节，{what}（从 hex 文本解码）。</translation>
    </message>
    <message>
        <source>{name}: {size:,} bytes, {what} (decoded from base64 text).</source>
        <translation>{name}：{size:,} 字节，{what}（从 base64 文本解码）。</translation>
    </message>
    <message>
        <source>{size:,} bytes: too large for this view (its text would need gigabytes of memory); use `python main.py proto decode FILE --format text|json`.</source>
        <translation>{size:,} 字节：对此视图而言过大（其文本需要数 GB 内存）；请使用 `python main.py proto decode FILE --format text|json`。</translation>
    </message>
    <message>
        <source>Rendering {size:,} bytes as text format…</source>
        <translation>正在将 {size:,} 字节渲染为文本格式…</translation>
    </message>
    <message>
        <source>Rendering {size:,} bytes as JSON…</source>
        <translation>正在将 {size:,} 字节渲染为 JSON…</translation>
    </message>
    <message>
        <source>Edited: {edit} ({n} byte(s) changed).</source>
        <translation>已编辑：{edit}（改动 {n} 字节）。</translation>
    </message>
    <message>
        <source>Undid: {edit}.</source>
        <translation>已撤销：{edit}。</translation>
    </message>
    <message>
        <source>Redid: {edit}.</source>
        <translation>已重做：{edit}。</translation>
    </message>
    <message>
        <source>The message changed while the text format edit was being applied: nothing was applied, the text is kept (Apply again to replace the message with it).</source>
        <translation>应用文本格式编辑期间消息发生了变化：未应用任何内容，文本已保留（再次“应用”即可用它替换消息）。</translation>
    </message>
    <message>
        <source>The message changed while the JSON edit was being applied: nothing was applied, the text is kept (Apply again to replace the message with it).</source>
        <translation>应用 JSON 编辑期间消息发生了变化：未应用任何内容，文本已保留（再次“应用”即可用它替换消息）。</translation>
    </message>
    <message>
        <source>The text format gives the same bytes: nothing changed.</source>
        <translation>文本格式得到的字节相同：没有任何改动。</translation>
    </message>
    <message>
        <source>The JSON gives the same bytes: nothing changed.</source>
        <translation>JSON 得到的字节相同：没有任何改动。</translation>
    </message>
    <message>
        <source>{before:,} → {after:,} bytes</source>
        <translation>{before:,} → {after:,} 字节</translation>
    </message>
    <message>
        <source>{before:,} → {after:,} bytes; {n} unknown field(s) kept</source>
        <translation>{before:,} → {after:,} 字节；保留了 {n} 个未知字段</translation>
    </message>
    <message>
        <source>apply the text format edit as {type} (re-encoded canonically: {sizes})</source>
        <translation>按 {type} 应用文本格式编辑（规范重新编码：{sizes}）</translation>
    </message>
    <message>
        <source>apply the JSON edit as {type} (re-encoded canonically: {sizes})</source>
        <translation>按 {type} 应用 JSON 编辑（规范重新编码：{sizes}）</translation>
    </message>
    <message>
        <source>Cannot apply: {error}</source>
        <translation>无法应用：{error}</translation>
    </message>
    <message>
        <source>Applied the text format edit: the message was re-encoded canonically ({sizes}). Undo restores it.</source>
        <translation>已应用文本格式编辑：消息已按规范形式重新编码（{sizes}）。可通过撤销恢复。</translation>
    </message>
    <message>
        <source>Applied the JSON edit: the message was re-encoded canonically ({sizes}). Undo restores it.</source>
        <translation>已应用 JSON 编辑：消息已按规范形式重新编码（{sizes}）。可通过撤销恢复。</translation>
    </message>
    <message>
        <source>The message changed while it was being canonicalised: nothing changed (Canonicalise again).</source>
        <translation>规范化期间消息发生了变化：没有任何改动（请再次规范化）。</translation>
    </message>
    <message>
        <source>Already canonical as {type}: nothing to change.</source>
        <translation>已是 {type} 的规范形式：无需改动。</translation>
    </message>
    <message>
        <source>canonicalise as {type}</source>
        <translation>按 {type} 规范化</translation>
    </message>
    <message>
        <source>Cannot canonicalise: {error}</source>
        <translation>无法规范化：{error}</translation>
    </message>
    <message>
        <source>Canonicalised as {type}: {before:,} → {after:,} bytes (field order, varint widths and packing normalised). Undo restores the original bytes.</source>
        <translation>已按 {type} 规范化：{before:,} → {after:,} 字节（字段顺序、varint 宽度和打包方式均已规范化）。可通过撤销恢复原始字节。</translation>
    </message>
    <message>
        <source>this message</source>
        <translation>此消息</translation>
    </message>
    <message>
        <source>{name} record {record}</source>
        <translation>{name} 的记录 {record}</translation>
    </message>
    <message>
        <source>{name} with unsaved edits</source>
        <translation>{name}（含未保存的编辑）</translation>
    </message>
    <message>
        <source>No loaded type parses these bytes; load a schema or stay schemaless.</source>
        <translation>没有已加载的类型能解析这些字节；请加载模式，或保持无模式。</translation>
    </message>
    <message>
        <source>{type} ({known} known, {unknown} unknown)</source>
        <translation>{type}（{known} 个已知，{unknown} 个未知）</translation>
    </message>
    <message>
        <source>Best guesses: {first}</source>
        <translation>最可能的类型：{first}</translation>
    </message>
    <message>
        <source>Best guesses: {first}, {second}</source>
        <translation>最可能的类型：{first}，{second}</translation>
    </message>
    <message>
        <source>Best guesses: {first}, {second}, {third}</source>
        <translation>最可能的类型：{first}，{second}，{third}</translation>
    </message>
    <message>
        <source>add record {record} (empty) at offset {offset}</source>
        <translation>在偏移 {offset} 处添加记录 {record}（空）</translation>
    </message>
    <message>
        <source>Added an empty record {record}: add its fields with Insert.</source>
        <translation>已添加空记录 {record}：用 Insert 键添加其字段。</translation>
    </message>
    <message>
        <source>record {record} of {total:,} ({size:,}-byte payload at offset {offset})</source>
        <translation>第 {record}/{total:,} 条记录（偏移 {offset} 处 {size:,} 字节的载荷）</translation>
    </message>
    <message>
        <source>remove {what}</source>
        <translation>删除{what}</translation>
    </message>
    <message>
        <source>Removed {what}.</source>
        <translation>已删除{what}。</translation>
    </message>
    <message>
        <source>• {edit} ({n} byte(s))</source>
        <translation>• {edit}（{n} 字节）</translation>
    </message>
    <message>
        <source>No edits: the file is written back byte-identical.</source>
        <translation>没有编辑：文件将逐字节原样写回。</translation>
    </message>
    <message>
        <source>Already saved: these edits are in the file.</source>
        <translation>已保存：这些编辑已在文件中。</translation>
    </message>
    <message>
        <source>{n} edit(s); {before:,} → {after:,} bytes.</source>
        <translation>{n} 处编辑；{before:,} → {after:,} 字节。</translation>
    </message>
    <message>
        <source>Saved {target} ({size:,} bytes).</source>
        <translation>已保存 {target}（{size:,} 字节）。</translation>
    </message>
    <message>
        <source>Saved {target} ({size:,} bytes as {encoding} text).</source>
        <translation>已保存 {target}（{size:,} 字节，{encoding} 文本）。</translation>
    </message>
    <message>
        <source>Damaged at byte offset {offset}: {reason}. Everything before it is decoded below.</source>
        <translation>在字节偏移 {offset} 处损坏：{reason}。其之前的内容都已在下方解码。</translation>
    </message>
    <message>
        <source>Damaged at byte offset {offset}: {reason}. No field before it could be decoded: is this a protobuf message, or another framing?</source>
        <translation>在字节偏移 {offset} 处损坏：{reason}。其之前没有可解码的字段：这是 protobuf 消息吗，还是另一种分帧？</translation>
    </message>
    <message>
        <source>Stream cut short at byte offset {offset}: {reason}. {n:,} whole record(s) before it are shown.</source>
        <translation>流在字节偏移 {offset} 处被截断：{reason}。已显示其之前完整的 {n:,} 条记录。</translation>
    </message>
    <message>
        <source>{first} {second}</source>
        <translation>{first}{second}</translation>
    </message>
</context>
<context>
    <name>EmbeddedEngine</name>
    <message>
        <source>the engine {0} at start; its log is {1}:
{2}</source>
        <extracomment>How the last engine seen here ended (&quot;was killed by SIGKILL&quot;, &quot;exited with code 1&quot;); &quot;&quot; if unknown.</extracomment>
        <translation>引擎在启动时{0}；其日志为 {1}：
{2}</translation>
    </message>
    <message>
        <source>the engine did not start within {0:.0f} s; see {1}</source>
        <translation>引擎未能在 {0:.0f} 秒内启动；请查看 {1}</translation>
    </message>
</context>
<context>
    <name>EndpointForm</name>
    <message>
        <source>Bearer token</source>
        <translation>Bearer 令牌</translation>
    </message>
    <message>
        <source>TLS CA certificate file</source>
        <translation>TLS CA 证书文件</translation>
    </message>
    <message>
        <source>CA certificate (PEM) path; empty = the system&apos;s roots</source>
        <translation>CA 证书（PEM）路径；留空 = 使用系统根证书</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>令牌</translation>
    </message>
    <message>
        <source>TLS CA</source>
        <translation>TLS CA</translation>
    </message>
</context>
<context>
    <name>EngineStopDialog</name>
    <message>
        <source>Stopping the engine</source>
        <translation>正在停止引擎</translation>
    </message>
    <message>
        <source>Stopping the engine…</source>
        <translation>正在停止引擎…</translation>
    </message>
    <message>
        <source>Kill now</source>
        <translation>立即终止</translation>
    </message>
    <message>
        <source>Stop waiting: SIGKILL the engine now (its running pods keep running and are re-adopted when it starts again)</source>
        <translation>不再等待：立即向引擎发送 SIGKILL（其运行中的 Pod 会继续运行，引擎再次启动时会重新接管它们）</translation>
    </message>
    <message>
        <source>Killing the engine (SIGKILL)…</source>
        <translation>正在终止引擎（SIGKILL）…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>ExportButton</name>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Save the rows shown (filter and sort applied) as CSV or JSON</source>
        <translation>将显示的行（已应用筛选和排序）保存为 CSV 或 JSON</translation>
    </message>
    <message>
        <source>{0} as {1}…</source>
        <translation>将{0}导出为 {1}…</translation>
    </message>
    <message>
        <source>Export {0}</source>
        <translation>导出{0}</translation>
    </message>
</context>
<context>
    <name>FieldSpan</name>
    <message>
        <source>Field {field} · bytes {first}…{last} ({n} byte(s): {parts})</source>
        <translation>字段 {field} · 字节 {first}…{last}（{n} 字节：{parts}）</translation>
    </message>
    <message>
        <source>tag {tag}, length prefix {prefix}, value {value}</source>
        <translation>tag {tag}，长度前缀 {prefix}，值 {value}</translation>
    </message>
    <message>
        <source>tag {tag}, fields {value}, end tag {end}</source>
        <translation>tag {tag}，字段 {value}，结束 tag {end}</translation>
    </message>
    <message>
        <source>tag {tag}, varint {value}</source>
        <translation>tag {tag}，varint {value}</translation>
    </message>
    <message>
        <source>tag {tag}, fixed32 {value}</source>
        <translation>tag {tag}，fixed32 {value}</translation>
    </message>
    <message>
        <source>tag {tag}, fixed64 {value}</source>
        <translation>tag {tag}，fixed64 {value}</translation>
    </message>
</context>
<context>
    <name>FilterBox</name>
    <message>
        <source>Filter:  state:RUNNING  owner:alice  label:team=web  name~^etl  free text   (/)</source>
        <translation>筛选：state:RUNNING  owner:alice  label:team=web  name~^etl  任意文本   (/)</translation>
    </message>
</context>
<context>
    <name>FilterError</name>
    <message>
        <source>{0} (at {1})</source>
        <extracomment>mask(columns, ascending source rows) -&gt; one bool per row</extracomment>
        <translation>{0}（第 {1} 个字符处）</translation>
    </message>
</context>
<context>
    <name>Framing</name>
    <message>
        <source>record {record}: compressed flag {flag} at offset {offset} is not 0 or 1</source>
        <translation>记录 {record}：偏移 {offset} 处的压缩标志 {flag} 不是 0 或 1</translation>
    </message>
    <message>
        <source>record {record}: {reason}</source>
        <translation>记录 {record}：{reason}</translation>
    </message>
    <message>
        <source>record {record} at offset {offset}: length {length} runs past the end ({available} bytes available)</source>
        <translation>偏移 {offset} 处的记录 {record}：长度 {length} 超出了末尾（只剩 {available} 字节）</translation>
    </message>
    <message>
        <source>record {record}: gRPC frame header at offset {offset} is cut short</source>
        <translation>记录 {record}：偏移 {offset} 处的 gRPC 帧头不完整</translation>
    </message>
    <message>
        <source>unknown framing {framing!r}; expected auto, single, varint or grpc</source>
        <translation>未知的分帧 {framing!r}；应为 auto、single、varint 或 grpc</translation>
    </message>
    <message>
        <source>not a text encoding: {encoding}</source>
        <translation>不是文本编码：{encoding}</translation>
    </message>
    <message>
        <source>not valid hex: {err}</source>
        <translation>不是有效的 hex：{err}</translation>
    </message>
    <message>
        <source>not valid base64: {err}</source>
        <translation>不是有效的 base64：{err}</translation>
    </message>
</context>
<context>
    <name>HexModel</name>
    <message>
        <source>offset {0} (0x{0:x}): 0x{1:02x} = {1}</source>
        <translation>偏移 {0}（0x{0:x}）：0x{1:02x} = {1}</translation>
    </message>
</context>
<context>
    <name>HexView</name>
    <message>
        <source>Bytes</source>
        <translation>字节</translation>
    </message>
    <message>
        <source>The message&apos;s bytes in hex and ASCII; the arrow keys move, Enter selects the field that holds the current byte</source>
        <translation>消息的字节，以 hex 和 ASCII 显示；方向键移动，Enter 选中包含当前字节的字段</translation>
    </message>
</context>
<context>
    <name>HistoryView</name>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Load older</source>
        <translation>加载更早的版本</translation>
    </message>
    <message>
        <source>Revert to this version…</source>
        <translation>还原到此版本…</translation>
    </message>
    <message>
        <source>Spec versions</source>
        <translation>规格版本</translation>
    </message>
    <message>
        <source>Select one version to see what it changed, or two to compare them</source>
        <translation>选择一个版本查看它改了什么，或选择两个版本进行比较</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>By</source>
        <translation>操作者</translation>
    </message>
    <message>
        <source>Workflow</source>
        <translation>工作流</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>The job is no longer on the engine.</source>
        <translation>该作业已不在引擎上。</translation>
    </message>
    <message>
        <source>Load older ({} more)</source>
        <translation>加载更早的版本（还有 {} 个）</translation>
    </message>
    <message numerus="yes">
        <source>%n spec version(s)</source>
        <translation>
            <numerusform>%n 个规格版本</numerusform>
        </translation>
    </message>
    <message>
        <source>the job is at version {} (spec of version {})</source>
        <translation>作业处于版本 {}（版本 {} 的规格）</translation>
    </message>
    <message>
        <source>(current)</source>
        <translation>（当前）</translation>
    </message>
    <message>
        <source>The name of the token that made the change</source>
        <translation>做出此更改的令牌的名称</translation>
    </message>
    <message>
        <source>Unknown: the engine checks no tokens, or the engine made the change itself</source>
        <translation>未知：引擎不检查令牌，或者此更改由引擎自身做出</translation>
    </message>
    <message>
        <source>Workflow {}</source>
        <translation>工作流 {}</translation>
    </message>
    <message>
        <source>Read-only: this console may not change jobs</source>
        <translation>只读：此控制台不能更改作业</translation>
    </message>
    <message>
        <source>Make version {}&apos;s spec the job&apos;s spec again (asks first)</source>
        <translation>将版本 {} 的规格重新设为作业的规格（会先询问）</translation>
    </message>
    <message>
        <source>Select one version to revert to</source>
        <translation>选择一个要还原到的版本</translation>
    </message>
    <message>
        <source>Select at most two versions to compare.</source>
        <translation>最多选择两个版本进行比较。</translation>
    </message>
    <message>
        <source>Select a version to see what it changed, or two (Ctrl+click) to compare them.</source>
        <translation>选择一个版本查看它的更改，或选择两个版本（Ctrl+单击）进行比较。</translation>
    </message>
    <message>
        <source>Version {}</source>
        <translation>版本 {}</translation>
    </message>
    <message>
        <source>(before the job was created)</source>
        <translation>（作业创建之前）</translation>
    </message>
    <message>
        <source>Version {}&apos;s spec is the job&apos;s spec already (version {}): nothing to revert.</source>
        <translation>版本 {} 的规格已经是作业的规格（版本 {}）：无需还原。</translation>
    </message>
    <message>
        <source>Revert {}?</source>
        <translation>还原 {}？</translation>
    </message>
    <message>
        <source>Replace the spec of job {} (now at version {}) with the spec of version {}:</source>
        <translation>将作业 {} 的规格（当前为版本 {}）替换为版本 {} 的规格：</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>还原</translation>
    </message>
    <message>
        <source>Revert cancelled; nothing changed.</source>
        <translation>已取消还原；没有任何更改。</translation>
    </message>
    <message>
        <source>Reverted {} to the spec of version {}: now version {}.</source>
        <translation>已将 {} 还原为版本 {} 的规格：现为版本 {}。</translation>
    </message>
    <message>
        <source>Not reverted: the job changed while you looked (you saw version {}, it is now at version {}). Nothing was changed. Review the history and revert to version {} again if you still want to.</source>
        <translation>未还原：在你查看期间作业发生了变化（你看到的是版本 {}，现在是版本 {}）。没有做任何更改。请查看历史记录，如果仍需要，请再次还原到版本 {}。</translation>
    </message>
</context>
<context>
    <name>JobDetail</name>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Job detail</source>
        <translation>作业详情</translation>
    </message>
    <message>
        <source>Job spec</source>
        <translation>作业规格</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>概要</translation>
    </message>
    <message>
        <source>Pods</source>
        <translation>Pod</translation>
    </message>
    <message>
        <source>Pod whose log is shown</source>
        <translation>显示其日志的 Pod</translation>
    </message>
    <message>
        <source>Run of that pod</source>
        <translation>该 Pod 的运行</translation>
    </message>
    <message>
        <source>Pod:</source>
        <translation>Pod：</translation>
    </message>
    <message>
        <source>Run:</source>
        <translation>运行：</translation>
    </message>
    <message>
        <source>Logs</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Workflows</source>
        <translation>工作流</translation>
    </message>
    <message>
        <source>Workflow / event</source>
        <translation>工作流 / 事件</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Instances</source>
        <translation>实例</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Workflow events</source>
        <translation>工作流事件</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Pause the running workflow after its current batch</source>
        <translation>在当前批次完成后暂停运行中的工作流</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>Resume the paused workflow</source>
        <translation>恢复已暂停的工作流</translation>
    </message>
    <message>
        <source>Abort…</source>
        <translation>中止…</translation>
    </message>
    <message>
        <source>Abort the running workflow (asks first)</source>
        <translation>中止运行中的工作流（会先确认）</translation>
    </message>
    <message>
        <source>Collapse idle</source>
        <translation>折叠空闲段</translation>
    </message>
    <message>
        <source>Idle time to collapse</source>
        <translation>折叠的空闲时长</translation>
    </message>
    <message>
        <source>over {0}</source>
        <translation>超过 {0}</translation>
    </message>
    <message>
        <source>What counts as idle: no event and no state change for this long</source>
        <translation>空闲的判定：在这段时间内没有事件、也没有状态变化</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适应窗口</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <source>purged after its time-to-live</source>
        <translation>已在生存时间（TTL）到期后清除</translation>
    </message>
    <message>
        <source>deleted</source>
        <translation>已删除</translation>
    </message>
    <message>
        <source>Job {0} — DELETED</source>
        <translation>作业 {0} — DELETED</translation>
    </message>
    <message>
        <source>{0} · {1}: no longer on the engine</source>
        <translation>{0} · {1}：已不在引擎上</translation>
    </message>
    <message>
        <source>The job was {0}; what is shown is its last state.</source>
        <translation>该作业{0}；显示的是它的最后状态。</translation>
    </message>
    <message>
        <source>· shown as last seen on {0}; the console is now on {1}</source>
        <translation>· 显示的是在 {0} 上最后看到的状态；控制台现在连接的是 {1}</translation>
    </message>
    <message>
        <source>{0} ({1} done, {2} failed; {3} failure(s) tolerated)</source>
        <translation>{0}（{1} 个完成，{2} 个失败；容许 {3} 个失败）</translation>
    </message>
    <message>
        <source>{0} ok, {1} failed, {2} left</source>
        <translation>{0} 个成功，{1} 个失败，{2} 个剩余</translation>
    </message>
    <message>
        <source>not delivered yet</source>
        <translation>尚未送达</translation>
    </message>
    <message>
        <source>{0}:</source>
        <translation>{0}：</translation>
    </message>
    <message>
        <source>{0} done, {1} remaining, {2} failed</source>
        <translation>{0} 个完成，{1} 个剩余，{2} 个失败</translation>
    </message>
    <message>
        <source>, batch {0}</source>
        <translation>，批次大小 {0}</translation>
    </message>
    <message>
        <source>Per-instance events ({0} instances)</source>
        <translation>各实例事件（{0} 个实例）</translation>
    </message>
    <message>
        <source>instance {0}</source>
        <translation>实例 {0}</translation>
    </message>
    <message>
        <source>{0} event(s)</source>
        <translation>{0} 个事件</translation>
    </message>
    <message>
        <source>{0} workflow(s) · timeline: wheel zooms, drag pans, F fits, click a lane to select its pod · {1}</source>
        <translation>{0} 个工作流 · 时间线：滚轮缩放，拖动平移，F 适应窗口，点击泳道选中其 Pod · {1}</translation>
    </message>
    <message>
        <source>Abort workflow?</source>
        <translation>中止工作流？</translation>
    </message>
    <message>
        <source>&lt;b&gt;Abort&lt;/b&gt; the {0} workflow of job &lt;b&gt;{1}&lt;/b&gt; ({2})?</source>
        <translation>&lt;b&gt;中止&lt;/b&gt;作业 &lt;b&gt;{1}&lt;/b&gt;（{2}）的 {0} 工作流？</translation>
    </message>
    <message>
        <source>Instances not yet reached stay as they are; the workflow cannot be resumed.</source>
        <translation>尚未处理到的实例保持原样；工作流中止后无法恢复。</translation>
    </message>
    <message>
        <source>Abort workflow</source>
        <translation>中止工作流</translation>
    </message>
    <message>
        <source>{0}…</source>
        <translation>正在{0}…</translation>
    </message>
    <message>
        <source>{0} requested.</source>
        <translation>已请求{0}。</translation>
    </message>
    <message>
        <source>Squeeze stretches with no event for over {0} into a narrow band</source>
        <translation>将超过 {0} 没有事件的时间段压缩为一条窄带</translation>
    </message>
    <message>
        <source>pods feed: {0}</source>
        <translation>Pod 数据流：{0}</translation>
    </message>
    <message>
        <source>{0} {1}: {2}</source>
        <translation>{0} {1}：{2}</translation>
    </message>
    <message>
        <source>{0} {1}: requested</source>
        <translation>{0} {1}：已请求</translation>
    </message>
    <message>
        <source>All pods (merged)</source>
        <translation>所有 Pod（合并）</translation>
    </message>
    <message>
        <source>current run</source>
        <translation>当前运行</translation>
    </message>
    <message>
        <source>current run ({0})</source>
        <translation>当前运行（{0}）</translation>
    </message>
    <message>
        <source>{0} — {1}, started {2}</source>
        <translation>{0} — {1}，启动于 {2}</translation>
    </message>
    <message>
        <source>, exit {0}</source>
        <translation>，退出码 {0}</translation>
    </message>
</context>
<context>
    <name>JobDetailDialog</name>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>所有者</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Instances</source>
        <translation>实例</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Schedule</source>
        <translation>调度计划</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>运行次数</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>尝试</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Resources</source>
        <translation>资源</translation>
    </message>
    <message>
        <source>Callback</source>
        <translation>回调</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Dispatched</source>
        <translation>派发时间</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>启动时间</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <source>Ended</source>
        <translation>结束时间</translation>
    </message>
    <message>
        <source>Next run</source>
        <translation>下次运行</translation>
    </message>
    <message>
        <source>Purged at</source>
        <translation>清除时间</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
</context>
<context>
    <name>JobTab</name>
    <message>
        <source>Job actions</source>
        <translation>作业操作</translation>
    </message>
</context>
<context>
    <name>JobsPanel</name>
    <message>
        <source>Running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>Succeeded</source>
        <translation>成功</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Killed</source>
        <translation>已终止</translation>
    </message>
    <message>
        <source>Initialized</source>
        <translation>已初始化</translation>
    </message>
    <message>
        <source>Filter jobs</source>
        <translation>筛选作业</translation>
    </message>
    <message>
        <source>Free text, or qualifiers such as state:RUNNING, owner:NAME, label:KEY=VALUE, name~PATTERN</source>
        <translation>自由文本，或 state:RUNNING、owner:NAME、label:KEY=VALUE、name~PATTERN 等限定符</translation>
    </message>
    <message>
        <source>Show only {0} jobs (several chips combine; the filter text says state:{0})</source>
        <translation>只显示 {0} 的作业（多个状态按钮可组合使用；筛选文本为 state:{0}）</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>作业</translation>
    </message>
    <message>
        <source>No jobs yet</source>
        <translation>还没有作业</translation>
    </message>
    <message>
        <source>Create a job (Ctrl+N), or load the demo jobs: a bulk job with progress, a retrying
job, a cron job, a service, a job that times out and an interval job.</source>
        <translation>创建一个作业（Ctrl+N），或加载示例作业：一个带进度的批量作业、一个会重试的作业、
一个 cron 作业、一个服务、一个会超时的作业和一个定时间隔作业。</translation>
    </message>
    <message>
        <source>Load demo jobs</source>
        <translation>加载示例作业</translation>
    </message>
    <message>
        <source>  — showing the last valid filter</source>
        <translation>  — 正在显示上一个有效的筛选</translation>
    </message>
    <message>
        <source>{0} of {1} jobs</source>
        <translation>{0} / {1} 个作业</translation>
    </message>
    <message>
        <source>{0} jobs</source>
        <translation>{0} 个作业</translation>
    </message>
</context>
<context>
    <name>JobsTableModel</name>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>所有者</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>Succeeded</source>
        <translation>成功</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Workflow</source>
        <translation>工作流</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Pods running</source>
        <translation>运行中的 Pod</translation>
    </message>
    <message>
        <source>Pods initialized, pending, launching or starting</source>
        <translation>处于已初始化、等待、发放或启动中的 Pod</translation>
    </message>
    <message>
        <source>Pods succeeded</source>
        <translation>成功的 Pod</translation>
    </message>
    <message>
        <source>Pods failed or lost</source>
        <translation>失败或丢失的 Pod</translation>
    </message>
    <message>
        <source>Bulk progress reported by pods (successful + failed) / total</source>
        <translation>Pod 上报的批量进度：（成功 + 失败）/ 总数</translation>
    </message>
    <message>
        <source>Entity version: every change bumps it</source>
        <translation>实体版本：每次变更都会递增</translation>
    </message>
</context>
<context>
    <name>LargeTextBox</name>
    <message>
        <source>Find in the text</source>
        <translation>在文本中查找</translation>
    </message>
    <message>
        <source>Find (Enter: next, Shift+Enter: previous)</source>
        <translation>查找（Enter：下一个，Shift+Enter：上一个）</translation>
    </message>
    <message>
        <source>Match case</source>
        <translation>区分大小写</translation>
    </message>
    <message>
        <source>Previous match (Shift+F3)</source>
        <translation>上一个匹配（Shift+F3）</translation>
    </message>
    <message>
        <source>Previous match</source>
        <translation>上一个匹配</translation>
    </message>
    <message>
        <source>Next match (F3)</source>
        <translation>下一个匹配（F3）</translation>
    </message>
    <message>
        <source>Next match</source>
        <translation>下一个匹配</translation>
    </message>
    <message>
        <source>Go to line</source>
        <translation>转到行</translation>
    </message>
    <message>
        <source>Line (Ctrl+G)</source>
        <translation>行号（Ctrl+G）</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>正在查找…</translation>
    </message>
    <message>
        <source>No match</source>
        <translation>无匹配</translation>
    </message>
    <message>
        <source>{0:,} of {1:,}</source>
        <translation>第 {0:,} 个，共 {1:,} 个</translation>
    </message>
</context>
<context>
    <name>LargeTextView</name>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Read-only text, shown a screen at a time. Arrows, Page Up and Page Down move; Ctrl+F finds; Ctrl+G goes to a line; Ctrl+C copies the selected lines.</source>
        <translation>只读文本，每次显示一屏。方向键、Page Up 和 Page Down 移动；Ctrl+F 查找；Ctrl+G 转到行；Ctrl+C 复制所选的行。</translation>
    </message>
    <message>
        <source>The selection is {0:,} bytes: too much for the clipboard (at most {1:,}). Select fewer lines, or use `python main.py proto decode FILE` to write the whole text to a file.</source>
        <translation>所选内容为 {0:,} 字节：超出剪贴板的容量（最多 {1:,}）。请少选一些行，或使用 `python main.py proto decode FILE` 将全部文本写入文件。</translation>
    </message>
    <message>
        <source>Copied {0:,} line(s).</source>
        <translation>已复制 {0:,} 行。</translation>
    </message>
</context>
<context>
    <name>LogBuffer</name>
    <message>
        <source> · instance {0}</source>
        <extracomment>Lines longer than this are cut for display (a runaway line must not stall the view). longest line seen (for the view&apos;s scroll width)</extracomment>
        <translation> · 实例 {0}</translation>
    </message>
</context>
<context>
    <name>LogCanvas</name>
    <message>
        <source>Log lines</source>
        <translation>日志行</translation>
    </message>
    <message>
        <source>No log lines yet.</source>
        <translation>还没有日志行。</translation>
    </message>
</context>
<context>
    <name>LogView</name>
    <message>
        <source>Follow</source>
        <extracomment>drawn while the buffer is empty (the view sets it)</extracomment>
        <translation>跟随</translation>
    </message>
    <message>
        <source>Follow new lines (scroll up to release, End to re-engage)</source>
        <translation>跟随新日志行（向上滚动解除，按 End 恢复）</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Freeze the view; lines keep arriving in the background</source>
        <translation>冻结视图；日志行仍在后台持续接收</translation>
    </message>
    <message>
        <source>Wrap</source>
        <translation>自动换行</translation>
    </message>
    <message>
        <source>Times</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Show when each line was written, in the zone the console shows times</source>
        <translation>显示每一行的写入时间，使用控制台显示时间所用的时区</translation>
    </message>
    <message>
        <source>Progress lines</source>
        <translation>进度行</translation>
    </message>
    <message>
        <source>::progress lines: show them, dim them, or hide them (they are still saved)</source>
        <translation>::progress 行：显示、淡化或隐藏（仍会保存）</translation>
    </message>
    <message>
        <source>Progress lines: show</source>
        <translation>进度行：显示</translation>
    </message>
    <message>
        <source>Progress lines: dim</source>
        <translation>进度行：淡化</translation>
    </message>
    <message>
        <source>Progress lines: hide</source>
        <translation>进度行：隐藏</translation>
    </message>
    <message>
        <source>Search the log</source>
        <translation>搜索日志</translation>
    </message>
    <message>
        <source>Search (Enter: next, Shift+Enter: previous)</source>
        <translation>搜索（Enter：下一个，Shift+Enter：上一个）</translation>
    </message>
    <message>
        <source>Previous match (Shift+F3)</source>
        <translation>上一个匹配（Shift+F3）</translation>
    </message>
    <message>
        <source>Next match (F3)</source>
        <translation>下一个匹配（F3）</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <source>Save the buffered lines to a file</source>
        <translation>将缓冲的日志行保存到文件</translation>
    </message>
    <message>
        <source>↓ new lines</source>
        <translation>↓ 新日志行</translation>
    </message>
    <message>
        <source>Jump to the end and follow</source>
        <translation>跳到末尾并跟随</translation>
    </message>
    <message>
        <source>Lines kept</source>
        <translation>保留行数</translation>
    </message>
    <message>
        <source>How many lines the view keeps; older ones are dropped (memory stays flat)</source>
        <translation>视图保留的行数；更早的行会被丢弃（内存占用保持稳定）</translation>
    </message>
    <message>
        <source>{0:,} lines</source>
        <translation>{0:,} 行</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>保留</translation>
    </message>
    <message>
        <source>↓ {0:,} new line(s)</source>
        <translation>↓ {0:,} 条新日志行</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>{0:,} match(es)</source>
        <translation>{0:,} 个匹配</translation>
    </message>
    <message>
        <source>line {0:,} · {1:,} match(es)</source>
        <translation>第 {0:,} 个 · 共 {1:,} 个匹配</translation>
    </message>
    <message>
        <source>Save log</source>
        <translation>保存日志</translation>
    </message>
    <message>
        <source>Log files (*.log *.txt);;All files (*)</source>
        <translation>日志文件 (*.log *.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Saved {0:,} line(s) to {1}</source>
        <translation>已将 {0:,} 行保存到 {1}</translation>
    </message>
    <message numerus="yes">
        <source>%n progress line(s) hidden</source>
        <translation>
            <numerusform>已隐藏 %n 行进度</numerusform>
        </translation>
    </message>
    <message>
        <source>{0:,} older dropped (limit {1:,})</source>
        <translation>已丢弃 {0:,} 行较早的日志（上限 {1:,}）</translation>
    </message>
    <message>
        <source>paused — {0:,} waiting</source>
        <translation>已暂停 — {0:,} 行待显示</translation>
    </message>
    <message>
        <source>follow released</source>
        <translation>已解除跟随</translation>
    </message>
    <message>
        <source>{0} pods</source>
        <translation>{0} 个 Pod</translation>
    </message>
    <message>
        <source>streaming</source>
        <translation>正在接收</translation>
    </message>
    <message>
        <source>not streaming</source>
        <translation>未在接收</translation>
    </message>
    <message>
        <source>No log lines yet.</source>
        <translation>还没有日志行。</translation>
    </message>
    <message>
        <source>No pod chosen.</source>
        <translation>未选择 Pod。</translation>
    </message>
    <message>
        <source>The pod has not run yet: its lines appear here once it starts.</source>
        <translation>该 Pod 尚未运行：启动后日志会显示在这里。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <source>connection lost — reconnecting</source>
        <translation>连接丢失 — 正在重连</translation>
    </message>
    <message>
        <source>disconnected</source>
        <translation>已断开</translation>
    </message>
    <message>
        <source>Pelorus</source>
        <translation>Pelorus</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>作业</translation>
    </message>
    <message>
        <source>Protobuf</source>
        <translation>Protobuf</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Engine:</source>
        <translation>引擎：</translation>
    </message>
    <message>
        <source>Add remote…</source>
        <translation>添加远程引擎…</translation>
    </message>
    <message>
        <source>Restart engine</source>
        <translation>重启引擎</translation>
    </message>
    <message>
        <source>Start the embedded engine again and re-attach the console</source>
        <translation>重新启动内置引擎并让控制台重新接入</translation>
    </message>
    <message>
        <source>Engine log…</source>
        <translation>引擎日志…</translation>
    </message>
    <message>
        <source>Actions</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>&amp;Jobs</source>
        <translation>作业(&amp;J)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Jobs and protobuf</source>
        <translation>作业和 protobuf</translation>
    </message>
    <message>
        <source>{tab} · {file}</source>
        <translation>{tab} · {file}</translation>
    </message>
    <message>
        <source>Engine</source>
        <translation>引擎</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>Times in &amp;UTC</source>
        <translation>以 &amp;UTC 显示时间</translation>
    </message>
    <message>
        <source>Show every time in UTC instead of this computer&apos;s time zone</source>
        <translation>所有时间以 UTC 显示，而不是本机时区</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>工具(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>键盘快捷键(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;About Pelorus</source>
        <translation>关于 Pelorus(&amp;A)</translation>
    </message>
    <message>
        <source>About Pelorus</source>
        <translation>关于 Pelorus</translation>
    </message>
    <message>
        <source>&lt;b&gt;Pelorus&lt;/b&gt;&lt;br&gt;A console for the Pelorus job engine: jobs, pods, logs, progress and workflows, and a protobuf editor.</source>
        <translation>&lt;b&gt;Pelorus&lt;/b&gt;&lt;br&gt;Pelorus 作业引擎的控制台：作业、Pod、日志、进度和工作流，以及 protobuf 编辑器。</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>System ({0})</source>
        <translation>跟随系统（{0}）</translation>
    </message>
    <message>
        <source>Focus the filter</source>
        <translation>定位到筛选框</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Keyboard shortcuts of the main window:</source>
        <translation>主窗口的键盘快捷键：</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>embedded engine down</source>
        <translation>内置引擎已停止</translation>
    </message>
    <message>
        <source>restarting the embedded engine…</source>
        <translation>正在重启内置引擎…</translation>
    </message>
    <message>
        <source>Embedded engine</source>
        <translation>内置引擎</translation>
    </message>
    <message>
        <source>its log</source>
        <translation>其日志</translation>
    </message>
    <message>
        <source>The last lines of {0}:&lt;pre&gt;{1}&lt;/pre&gt;</source>
        <translation>{0} 的最后几行：&lt;pre&gt;{1}&lt;/pre&gt;</translation>
    </message>
    <message>
        <source> · {0:.0f} s ago</source>
        <translation> · {0:.0f} 秒前</translation>
    </message>
    <message>
        <source>engine down</source>
        <translation>引擎已停止</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>no answer</source>
        <translation>无应答</translation>
    </message>
    <message>
        <source>unknown ({0})</source>
        <translation>未知（{0}）</translation>
    </message>
    <message>
        <source> · last answer {0:.0f} s ago</source>
        <translation> · 最后应答于 {0:.0f} 秒前</translation>
    </message>
    <message>
        <source> on {0}</source>
        <translation>，位于 {0}</translation>
    </message>
    <message>
        <source> · {0} nodes</source>
        <translation> · {0} 个节点</translation>
    </message>
    <message>
        <source>(details need a token)</source>
        <translation>（查看详情需要令牌）</translation>
    </message>
    <message>
        <source>Executor: {0}{1} {2} {3}{4}{5}</source>
        <translation>执行器：{0}{1} {2} {3}{4}{5}</translation>
    </message>
    <message>
        <source> — {0} of {1} selected ({2})</source>
        <translation> — 所选 {1} 个中的 {0} 个（{2}）</translation>
    </message>
    <message>
        <source>no job tab in front</source>
        <translation>前面没有作业标签页</translation>
    </message>
    <message>
        <source> — not now: {0}</source>
        <translation> — 当前不可用：{0}</translation>
    </message>
    <message>
        <source>Export jobs</source>
        <translation>导出作业</translation>
    </message>
    <message>
        <source>jobs</source>
        <translation>作业</translation>
    </message>
    <message>
        <source>Created job {0} ({1})</source>
        <translation>已创建作业 {0}（{1}）</translation>
    </message>
    <message>
        <source>Select exactly one job to edit.</source>
        <translation>请只选择一个要编辑的作业。</translation>
    </message>
    <message>
        <source>Loaded {0} demo job(s)</source>
        <translation>已加载 {0} 个示例作业</translation>
    </message>
    <message>
        <source>Batch size (instances at a time, 0 = all):</source>
        <translation>批次大小（每批实例数，0 = 全部）：</translation>
    </message>
    <message>
        <source>{0}: 0 of {1}</source>
        <translation>{0}：0 / {1}</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>{0}: {1} of {2}</source>
        <translation>{0}：{1} / {2}</translation>
    </message>
    <message>
        <source>{0} — results</source>
        <translation>{0} — 结果</translation>
    </message>
    <message numerus="yes">
        <source>%n workflow(s) {0}</source>
        <translation>
            <numerusform>%n 个工作流{0}</numerusform>
        </translation>
    </message>
    <message>
        <source>Undo ({0})</source>
        <translation>撤销（{0}）</translation>
    </message>
    <message>
        <source>Quit Pelorus</source>
        <translation>退出 Pelorus</translation>
    </message>
    <message>
        <source>The embedded engine is running {0} active job(s) with {1} running pod(s).</source>
        <translation>内置引擎正在运行 {0} 个活动作业，共 {1} 个运行中的 Pod。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Leave running&lt;/b&gt;: the engine keeps running in the background and keeps supervising its {0} pod(s) (retries, logs, progress, schedules); Pelorus re-attaches next time.&lt;br&gt;&lt;br&gt;&lt;b&gt;Stop engine&lt;/b&gt;: stops the {0} running pod(s) (their jobs end KILLED), then the engine. Jobs waiting to start stay pending until it starts again.</source>
        <translation>&lt;b&gt;保持运行&lt;/b&gt;：引擎在后台继续运行，并继续监管其 {0} 个 Pod（重试、日志、进度、调度计划）；Pelorus 下次启动时会重新接入。&lt;br&gt;&lt;br&gt;&lt;b&gt;停止引擎&lt;/b&gt;：先停止 {0} 个运行中的 Pod（其作业以 KILLED 结束），再停止引擎。等待启动的作业将保持等待，直到引擎再次启动。</translation>
    </message>
    <message>
        <source>Leave running</source>
        <translation>保持运行</translation>
    </message>
    <message>
        <source>Stop engine</source>
        <translation>停止引擎</translation>
    </message>
    <message>
        <source>Stop the {0} running pod(s), then the engine</source>
        <translation>先停止 {0} 个运行中的 Pod，再停止引擎</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
</context>
<context>
    <name>PayloadError</name>
    <message>
        <source>the request is not valid JSON: {msg} (line {lineno}, column {colno})</source>
        <translation>请求不是有效的 JSON：{msg}（第 {lineno} 行，第 {colno} 列）</translation>
    </message>
    <message>
        <source>request {n}</source>
        <translation>请求 {n}</translation>
    </message>
    <message>
        <source>the request</source>
        <translation>请求</translation>
    </message>
    <message>
        <source>{which} does not fit {type}: field {field} ({where}): {reason}</source>
        <translation>{which}与 {type} 不符：字段 {field}（{where}）：{reason}</translation>
    </message>
    <message>
        <source>{which} does not fit {type} ({where}): {reason}</source>
        <translation>{which}与 {type} 不符（{where}）：{reason}</translation>
    </message>
    <message>
        <source>line {line}, column {column}</source>
        <translation>第 {line} 行，第 {column} 列</translation>
    </message>
    <message>
        <source>request {n}: {reason}</source>
        <translation>请求 {n}：{reason}</translation>
    </message>
    <message>
        <source>the binary input is not a varint-delimited stream of requests (a streaming method takes several): {error}</source>
        <translation>二进制输入不是以 varint 分隔的请求流（流式方法接受多个请求）：{error}</translation>
    </message>
    <message>
        <source>the {fmt} request is not UTF-8 text (byte {start}); binary input needs --in binary</source>
        <translation>{fmt} 请求不是 UTF-8 文本（字节 {start}）；二进制输入需要 --in binary</translation>
    </message>
</context>
<context>
    <name>PayloadRow</name>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Open in protobuf editor</source>
        <translation>在 protobuf 编辑器中打开</translation>
    </message>
    <message>
        <source>Inspect the payload&apos;s bytes field by field (a new editor window)</source>
        <translation>逐字段查看载荷的字节（新的编辑器窗口）</translation>
    </message>
</context>
<context>
    <name>PodsTableModel</name>
    <message>
        <source>Instance</source>
        <translation>实例</translation>
    </message>
    <message>
        <source>Pod id</source>
        <translation>Pod ID</translation>
    </message>
    <message>
        <source>Run / attempt</source>
        <translation>运行 / 尝试</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>主机</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>启动时间</translation>
    </message>
    <message>
        <source>Ended</source>
        <translation>结束时间</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>Exit</source>
        <translation>退出码</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>CPU s</source>
        <translation>CPU 秒</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>内存</translation>
    </message>
    <message>
        <source>Executor</source>
        <translation>执行器</translation>
    </message>
    <message>
        <source>{0} (pid {1})</source>
        <translation>{0}（pid {1}）</translation>
    </message>
    <message>
        <source> ({0} failed)</source>
        <translation>（{0} 个失败）</translation>
    </message>
    <message>
        <source>previous run: {0}</source>
        <translation>上一次运行：{0}</translation>
    </message>
    <message>
        <source>run {0} of instance {1} (ended; actions act on the current run)</source>
        <translation>实例 {1} 的第 {0} 次运行（已结束；操作作用于当前运行）</translation>
    </message>
</context>
<context>
    <name>PodsView</name>
    <message>
        <source>Filter pods</source>
        <translation>筛选 Pod</translation>
    </message>
    <message>
        <source>Filter pods (state, host, reason, instance…)</source>
        <translation>筛选 Pod（状态、主机、原因、实例…）</translation>
    </message>
    <message>
        <source>Pods</source>
        <translation>Pod</translation>
    </message>
    <message>
        <source>One row per instance; expand a row for its previous runs</source>
        <translation>每个实例一行；展开行可查看其以往的运行</translation>
    </message>
    <message>
        <source>No pods yet: they appear when the job runs.</source>
        <translation>还没有 Pod：作业运行后会显示在这里。</translation>
    </message>
    <message>
        <source>Pod events</source>
        <translation>Pod 事件</translation>
    </message>
    <message>
        <source>Select a pod to see its events</source>
        <translation>选择一个 Pod 以查看其事件</translation>
    </message>
    <message>
        <source>No pod matches “{0}”.</source>
        <translation>没有与“{0}”匹配的 Pod。</translation>
    </message>
    <message numerus="yes">
        <source>{0} of %n pod(s):</source>
        <translation>
            <numerusform>{0} / %n 个 Pod：</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n pod(s):</source>
        <translation>
            <numerusform>%n 个 Pod：</numerusform>
        </translation>
    </message>
    <message>
        <source>&lt;b&gt;Events of {0}&lt;/b&gt; ({1})</source>
        <translation>&lt;b&gt;{0} 的事件&lt;/b&gt;（{1}）</translation>
    </message>
    <message>
        <source> — a previous run</source>
        <translation> — 之前的一次运行</translation>
    </message>
    <message>
        <source>run {0}</source>
        <translation>运行 {0}</translation>
    </message>
    <message>
        <source>{0} attempt {1}
{2}
{3}</source>
        <translation>{0} 第 {1} 次尝试
{2}
{3}</translation>
    </message>
    <message>
        <source>{0} instance {1} ({2})…</source>
        <translation>{0}实例 {1}（{2}）…</translation>
    </message>
    <message>
        <source>{0} {1} of {2} selected pods…</source>
        <translation>{0}所选 {2} 个 Pod 中的 {1} 个…</translation>
    </message>
    <message>
        <source>Show logs</source>
        <translation>显示日志</translation>
    </message>
    <message>
        <source>Show logs of run {0} ({1})</source>
        <translation>显示第 {0} 次运行的日志（{1}）</translation>
    </message>
    <message>
        <source>{0} (instance {1}, run {2}, now {3})</source>
        <translation>{0}（实例 {1}，运行 {2}，当前 {3}）</translation>
    </message>
    <message>
        <source>{0} pod?</source>
        <translation>{0} Pod？</translation>
    </message>
    <message>
        <source>&lt;b&gt;{0}&lt;/b&gt; pod &lt;b&gt;{1}&lt;/b&gt;?</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt; Pod &lt;b&gt;{1}&lt;/b&gt;？</translation>
    </message>
    <message>
        <source>• … and {0} more</source>
        <translation>• … 另外 {0} 个</translation>
    </message>
    <message numerus="yes">
        <source>{0} %n pods?</source>
        <translation>
            <numerusform>{0} %n 个 Pod？</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;{0} %n pods&lt;/b&gt;?</source>
        <translation>
            <numerusform>&lt;b&gt;{0} %n 个 Pod&lt;/b&gt;？</numerusform>
        </translation>
    </message>
    <message>
        <source>Left as they are:</source>
        <translation>保持不变：</translation>
    </message>
    <message>
        <source>Check the job&apos;s SLA first (refuse if too many instances would be down)</source>
        <translation>先检查作业的 SLA（若会有过多实例不可用则拒绝）</translation>
    </message>
</context>
<context>
    <name>ProgressChart</name>
    <message>
        <source>Hover a chart to read its values; drag or wheel to pan and zoom time (right-click: more).</source>
        <translation>将鼠标悬停在图表上读取数值；拖动或滚轮平移、缩放时间轴（右键：更多）。</translation>
    </message>
    <message>
        <source>Update period</source>
        <extracomment>Each curve in the colour of the state it counts toward (palette.py). Set by a window that follows the job&apos;s state from the jobs feed (the job detail): the summary then shows that state, never an older one from the last WatchJob sample.</extracomment>
        <translation>更新周期</translation>
    </message>
    <message>
        <source>How often the engine sends progress (WatchJob update period)</source>
        <translation>引擎发送进度的频率（WatchJob 更新周期）</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适应窗口</translation>
    </message>
    <message>
        <source>Show the whole run again after zooming or panning</source>
        <translation>缩放或平移后重新显示整个运行过程</translation>
    </message>
    <message>
        <source>Export PNG…</source>
        <translation>导出 PNG…</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Update every</source>
        <translation>更新间隔</translation>
    </message>
    <message>
        <source>Items (burn-up)</source>
        <translation>条目（燃起图）</translation>
    </message>
    <message>
        <source>Throughput (items/s, smoothed)</source>
        <translation>吞吐量（条目/秒，平滑后）</translation>
    </message>
    <message>
        <source>Failed instances vs tolerated limit</source>
        <translation>失败实例数与容许上限</translation>
    </message>
    <message>
        <source>Current workflow: instances (rolling restart / update)</source>
        <translation>当前工作流：实例（滚动重启 / 更新）</translation>
    </message>
    <message>
        <source>time since the run&apos;s first sample</source>
        <translation>自本次运行第一个采样以来的时间</translation>
    </message>
    <message>
        <source>No progress reported yet.
Pods report it by printing
::progress successful=N failed=N remaining=N</source>
        <translation>还没有上报进度。
Pod 通过打印以下内容上报进度：
::progress successful=N failed=N remaining=N</translation>
    </message>
    <message>
        <source>successful</source>
        <translation>成功</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>remaining</source>
        <translation>剩余</translation>
    </message>
    <message>
        <source>ETA (processed, projected)</source>
        <translation>预计完成时间（已处理，推算）</translation>
    </message>
    <message>
        <source>items/s</source>
        <translation>条目/秒</translation>
    </message>
    <message>
        <source>failed instances</source>
        <translation>失败实例</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>limit {value:.0f}</source>
        <translation>上限 {value:.0f}</translation>
    </message>
    <message>
        <source>tolerated limit</source>
        <translation>容许上限</translation>
    </message>
    <message>
        <source>Progress charts</source>
        <translation>进度图表</translation>
    </message>
    <message>
        <source>Items, throughput and failed instances over time. Left and Right read the values at a time, plus and minus zoom, F or Enter fit the whole run.</source>
        <translation>随时间变化的条目数、吞吐量和失败实例。左右方向键读取某一时刻的值，加号和减号缩放，F 或 Enter 显示整个运行。</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 图像 (*.png)</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>恢复</translation>
    </message>
    <message>
        <source>waiting for progress…</source>
        <translation>正在等待进度…</translation>
    </message>
    <message>
        <source>done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source> · {0}/{1} reporting</source>
        <translation> · {0}/{1} 个在上报</translation>
    </message>
    <message>
        <source>The counts cover the {0} of {1} instances that have reported progress in this run; the others have not reported yet, so the share and the ETA are for those only.</source>
        <translation>计数只涵盖本次运行中已上报进度的 {0} 个实例（共 {1} 个）；其余实例尚未上报，因此占比和预计完成时间只针对已上报的实例。</translation>
    </message>
    <message>
        <source>&lt;b&gt;{0}&lt;/b&gt; · {1:,} ok · {2} · {3:,} left ({4:.0f}%{5}) · {6:.1f} items/s · ETA {7} · </source>
        <translation>&lt;b&gt;{0}&lt;/b&gt; · {1:,} 个成功 · {2} · {3:,} 个剩余（{4:.0f}%{5}）· {6:.1f} 条目/秒 · 预计 {7} · </translation>
    </message>
    <message>
        <source>{0:,} failed</source>
        <translation>{0:,} 个失败</translation>
    </message>
    <message>
        <source>failed instances {0} of {1} tolerated</source>
        <translation>失败实例 {0} / 容许 {1}</translation>
    </message>
    <message>
        <source>{0} workflow {1}: {2} instance(s) done, {3} remaining, {4} failed</source>
        <translation>{0} 工作流 {1}：{2} 个实例完成，{3} 个剩余，{4} 个失败</translation>
    </message>
    <message>
        <source>t={0:7.1f}s  successful={1:.0f}  failed={2:.0f}  remaining={3:.0f}  throughput={4:.2f}/s  failed instances={5:.0f}</source>
        <translation>t={0:7.1f} 秒  成功={1:.0f}  失败={2:.0f}  剩余={3:.0f}  吞吐量={4:.2f}/秒  失败实例={5:.0f}</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
</context>
<context>
    <name>ProtoCompare</name>
    <message>
        <source>+ added</source>
        <translation>+ 新增</translation>
    </message>
    <message>
        <source>− removed</source>
        <translation>− 删除</translation>
    </message>
    <message>
        <source>~ changed</source>
        <translation>~ 修改</translation>
    </message>
    <message>
        <source>Nothing compared yet.</source>
        <translation>尚未进行比较。</translation>
    </message>
    <message>
        <source>◀ Previous</source>
        <translation>◀ 上一个</translation>
    </message>
    <message>
        <source>Next ▶</source>
        <translation>下一个 ▶</translation>
    </message>
    <message>
        <source>Previous difference (Shift+F7)</source>
        <translation>上一处差异（Shift+F7）</translation>
    </message>
    <message>
        <source>Next difference (F7)</source>
        <translation>下一处差异（F7）</translation>
    </message>
    <message>
        <source>Differences</source>
        <translation>差异</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>变化</translation>
    </message>
    <message>
        <source>Left</source>
        <translation>左侧</translation>
    </message>
    <message>
        <source>Right</source>
        <translation>右侧</translation>
    </message>
    <message>
        <source>Left bytes</source>
        <translation>左侧字节</translation>
    </message>
    <message>
        <source>Right bytes</source>
        <translation>右侧字节</translation>
    </message>
    <message>
        <source>Left: {0} ({1:,} bytes)</source>
        <translation>左侧：{0}（{1:,} 字节）</translation>
    </message>
    <message>
        <source>Right: {0} ({1:,} bytes)</source>
        <translation>右侧：{0}（{1:,} 字节）</translation>
    </message>
    <message>
        <source>Comparing {0} with {1}</source>
        <translation>正在比较 {0} 与 {1}</translation>
    </message>
    <message>
        <source> as {0}</source>
        <translation>，按 {0} 解析</translation>
    </message>
    <message>
        <source>The comparison was cancelled.</source>
        <translation>比较已取消。</translation>
    </message>
    <message>
        <source>Cannot compare: {0}</source>
        <translation>无法比较：{0}</translation>
    </message>
    <message>
        <source>{0} inside</source>
        <translation>内部 {0} 处</translation>
    </message>
    <message>
        <source> · as {0}</source>
        <translation> · 按 {0} 解析</translation>
    </message>
    <message>
        <source> · schemaless</source>
        <translation> · 无模式</translation>
    </message>
    <message>
        <source>{0} is damaged at byte offset {1}: {2}</source>
        <translation>{0}在字节偏移 {1} 处损坏：{2}</translation>
    </message>
    <message>
        <source>the first {0:,} of {1:,} differences are listed; `python main.py proto diff A B` prints them all</source>
        <translation>仅列出 {1:,} 处差异中的前 {0:,} 处；`python main.py proto diff A B` 可输出全部</translation>
    </message>
    <message>
        <source>the comparison stopped at its limit of differences</source>
        <translation>差异数达到上限，比较已停止</translation>
    </message>
    <message>
        <source>{0:,} field(s) compared. Select a difference to see its bytes.</source>
        <translation>已比较 {0:,} 个字段。选择一处差异以查看其字节。</translation>
    </message>
    <message>
        <source> (encoding)</source>
        <translation>（编码）</translation>
    </message>
    <message>
        <source>record {0}, </source>
        <translation>记录 {0}，</translation>
    </message>
    <message>
        <source>
{0}: {1}{2}, field path {3}, bytes {4}…{5}</source>
        <translation>
{0}：{1}{2}，字段路径 {3}，字节 {4}…{5}</translation>
    </message>
    <message>
        <source>{0} of {1}</source>
        <translation>{0} / {1}</translation>
    </message>
</context>
<context>
    <name>ProtoCompareWindow</name>
    <message>
        <source>Pelorus — compare</source>
        <translation>Pelorus — 比较</translation>
    </message>
</context>
<context>
    <name>ProtoEditor</name>
    <message>
        <source>(no schema — schemaless decode)</source>
        <translation>（无模式 — 无模式解码）</translation>
    </message>
    <message>
        <source>Auto-detect</source>
        <translation>自动检测</translation>
    </message>
    <message>
        <source>Single message</source>
        <translation>单条消息</translation>
    </message>
    <message>
        <source>Varint-delimited stream</source>
        <translation>varint 分隔的流</translation>
    </message>
    <message>
        <source>gRPC frames</source>
        <translation>gRPC 帧</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Save As…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>Framing</source>
        <translation>分帧</translation>
    </message>
    <message>
        <source>How the file is framed: one message, or a stream of length-prefixed records</source>
        <translation>文件的分帧方式：单条消息，或带长度前缀的记录流</translation>
    </message>
    <message>
        <source>Message type</source>
        <translation>消息类型</translation>
    </message>
    <message>
        <source>Message type (type to search); or decode without a schema</source>
        <translation>消息类型（输入以搜索）；或不使用模式解码</translation>
    </message>
    <message>
        <source>Guess type</source>
        <translation>猜测类型</translation>
    </message>
    <message>
        <source>Schemas ▾</source>
        <translation>模式 ▾</translation>
    </message>
    <message>
        <source>Framing:</source>
        <translation>分帧：</translation>
    </message>
    <message>
        <source>Type:</source>
        <translation>类型：</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>记录</translation>
    </message>
    <message>
        <source>Fields</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>The message&apos;s fields; F2 edits a value, Insert adds, Delete removes</source>
        <translation>消息的字段；F2 编辑值，Insert 添加，Delete 删除</translation>
    </message>
    <message>
        <source>Bytes, text and JSON</source>
        <translation>字节、文本和 JSON</translation>
    </message>
    <message>
        <source>Hex</source>
        <translation>十六进制</translation>
    </message>
    <message>
        <source>Text format</source>
        <translation>文本格式</translation>
    </message>
    <message>
        <source>Open a file to decode it (Open…, or drop a path on the command line).</source>
        <translation>打开文件以解码（“打开…”，或在命令行中给出路径）。</translation>
    </message>
    <message>
        <source>Opening {0}…</source>
        <translation>正在打开 {0}…</translation>
    </message>
    <message>
        <source>Opening {0} was cancelled.</source>
        <translation>已取消打开 {0}。</translation>
    </message>
    <message>
        <source>Cannot open {0}: {1}</source>
        <translation>无法打开 {0}：{1}</translation>
    </message>
    <message>
        <source>of {0:,} · payload @{1} +{2} bytes</source>
        <translation>共 {0:,} 条 · 载荷 @{1} +{2} 字节</translation>
    </message>
    <message>
        <source> · compressed</source>
        <translation> · 已压缩</translation>
    </message>
    <message>
        <source>Saving {0}…</source>
        <translation>正在保存 {0}…</translation>
    </message>
    <message>
        <source>Cannot save {0}: {1}</source>
        <translation>无法保存 {0}：{1}</translation>
    </message>
    <message>
        <source>Trying every loaded type…</source>
        <translation>正在尝试所有已加载的类型…</translation>
    </message>
    <message>
        <source>{0} — {1} known, {2} unknown field(s)</source>
        <translation>{0} — {1} 个已知字段，{2} 个未知字段</translation>
    </message>
    <message>
        <source>Canonicalise needs a message type: choose one first.</source>
        <translation>规范化需要消息类型：请先选择一个。</translation>
    </message>
    <message>
        <source>Canonicalising {0:,} bytes as {1}…</source>
        <translation>正在按 {1} 规范化 {0:,} 字节…</translation>
    </message>
    <message>
        <source>Canonicalising was cancelled: nothing changed.</source>
        <translation>规范化已取消：没有任何改动。</translation>
    </message>
    <message>
        <source>Cannot canonicalise: {0}</source>
        <translation>无法规范化：{0}</translation>
    </message>
    <message>
        <source>Remove record</source>
        <translation>删除记录</translation>
    </message>
    <message>
        <source>Remove {0}?</source>
        <translation>删除 {0}？</translation>
    </message>
    <message>
        <source>The other records keep their bytes. Undo brings it back.</source>
        <translation>其他记录的字节保持不变。可通过撤销恢复。</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>no records</source>
        <translation>没有记录</translation>
    </message>
    <message>
        <source>Decoding a large nested message…</source>
        <translation>正在解码大型嵌套消息…</translation>
    </message>
    <message>
        <source>Not changed: {0}</source>
        <translation>未修改：{0}</translation>
    </message>
    <message>
        <source>Read this field as</source>
        <translation>将此字段读取为</translation>
    </message>
    <message>
        <source>{kind} = {value} — {reason}</source>
        <translation>{kind} = {value} — {reason}</translation>
    </message>
    <message>
        <source> (pinned)</source>
        <translation>（已固定）</translation>
    </message>
    <message>
        <source>Unpin</source>
        <translation>取消固定</translation>
    </message>
    <message>
        <source>Open a protobuf file</source>
        <translation>打开 protobuf 文件</translation>
    </message>
    <message>
        <source>Save as</source>
        <translation>另存为</translation>
    </message>
    <message>
        <source>Change framing</source>
        <translation>更改分帧</translation>
    </message>
    <message>
        <source>Re-read {0} with another framing?</source>
        <translation>以另一种分帧方式重新读取 {0}？</translation>
    </message>
    <message>
        <source>The {0} unsaved edit(s) are discarded.</source>
        <translation>{0} 处未保存的编辑将被丢弃。</translation>
    </message>
    <message>
        <source>Discard edits</source>
        <translation>丢弃编辑</translation>
    </message>
</context>
<context>
    <name>ProtoEditorWindow</name>
    <message>
        <source>Pelorus — {0}</source>
        <translation>Pelorus — {0}</translation>
    </message>
    <message>
        <source>Unsaved edits</source>
        <translation>未保存的编辑</translation>
    </message>
    <message>
        <source>Discard the unsaved edits?</source>
        <translation>丢弃未保存的编辑？</translation>
    </message>
</context>
<context>
    <name>ProtoTree</name>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>(unknown)</source>
        <translation>（未知）</translation>
    </message>
    <message>
        <source>{name} (packed)</source>
        <translation>{name}（打包）</translation>
    </message>
    <message>
        <source>{name} (packed, run {run})</source>
        <translation>{name}（打包，第 {run} 段）</translation>
    </message>
    <message>
        <source>{name} (packed ×{n:,})</source>
        <translation>{name}（打包 ×{n:,}）</translation>
    </message>
    <message>
        <source>{name} (packed ×{n:,}, run {run})</source>
        <translation>{name}（打包 ×{n:,}，第 {run} 段）</translation>
    </message>
    <message>
        <source>packed {type}</source>
        <translation>打包的 {type}</translation>
    </message>
    <message>
        <source>{type} ≠ wire {wire}</source>
        <translation>{type} ≠ wire {wire}</translation>
    </message>
    <message>
        <source>{type} (oneof {oneof})</source>
        <translation>{type}（oneof {oneof}）</translation>
    </message>
    <message>
        <source>{type} (assigned)</source>
        <translation>{type}（已指定）</translation>
    </message>
    <message>
        <source>{type} (pinned)</source>
        <translation>{type}（已固定）</translation>
    </message>
    <message>
        <source>{kind} — type {type} not loaded</source>
        <translation>{kind} — 类型 {type} 未加载</translation>
    </message>
    <message>
        <source>(packed values do not decode)</source>
        <translation>（打包的值无法解码）</translation>
    </message>
    <message>
        <source>{size:,} bytes — expand to decode</source>
        <translation>{size:,} 字节 — 展开以解码</translation>
    </message>
    <message>
        <source>{{{n} field(s)}}</source>
        <translation>{{{n} 个字段}}</translation>
    </message>
    <message>
        <source>{{{n} field(s)}} ⚠ damaged</source>
        <translation>{{{n} 个字段}} ⚠ 已损坏</translation>
    </message>
    <message>
        <source>{size:,} bytes</source>
        <translation>{size:,} 字节</translation>
    </message>
    <message>
        <source>(does not parse as a message)</source>
        <translation>（无法解析为消息）</translation>
    </message>
    <message>
        <source>{s}s {ns}ns (out of range)</source>
        <translation>{s}s {ns}ns（超出范围）</translation>
    </message>
    <message>
        <source>(empty Any)</source>
        <translation>（空 Any）</translation>
    </message>
    <message>
        <source>{type} (not loaded) — read as {shown}</source>
        <translation>{type}（未加载）— 按 {shown} 读取</translation>
    </message>
    <message>
        <source>{type} (type not loaded)</source>
        <translation>{type}（类型未加载）</translation>
    </message>
    <message>
        <source>field {number}, wire type {wire}</source>
        <translation>字段 {number}，线路类型 {wire}</translation>
    </message>
    <message>
        <source>bytes {first}…{last} (tag {tag}, value {value}, {n} value bytes)</source>
        <translation>字节 {first}…{last}（tag {tag}，值 {value}，值共 {n} 字节）</translation>
    </message>
    <message>
        <source>reading: {kind} — {reason}</source>
        <translation>解读：{kind} — {reason}</translation>
    </message>
    <message>
        <source>Any of type {type}, which is not loaded: decoded without a schema</source>
        <translation>类型为 {type} 的 Any，该类型未加载：按无模式解码</translation>
    </message>
</context>
<context>
    <name>ProtoTreeModel</name>
    <message>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Bytes</source>
        <translation>字节</translation>
    </message>
    <message>
        <source>only a schemaless length-delimited field can be read as a chosen type</source>
        <translation>只有无模式的长度分隔字段才能按所选类型读取</translation>
    </message>
</context>
<context>
    <name>ProtobufPage</name>
    <message>
        <source>Call panel</source>
        <translation>调用面板</translation>
    </message>
    <message>
        <source>Show or hide the Call panel: call the engine&apos;s methods with a JSON or the editor&apos;s message (Tools ▸ Call)</source>
        <translation>显示或隐藏调用面板：用 JSON 或编辑器中的消息调用引擎的方法（工具 ▸ 调用）</translation>
    </message>
</context>
<context>
    <name>RawFieldDialog</name>
    <message>
        <source>Add field</source>
        <translation>添加字段</translation>
    </message>
    <message>
        <source>Add a field {0}. Only its bytes and the length prefixes above it change.</source>
        <translation>添加字段（{0}）。只有它的字节及其上层的长度前缀会改变。</translation>
    </message>
    <message>
        <source>hex bytes (e.g. 0a ff); else the text as UTF-8</source>
        <translation>十六进制字节（如 0a ff）；否则按 UTF-8 文本</translation>
    </message>
    <message>
        <source>Field number</source>
        <translation>字段编号</translation>
    </message>
    <message>
        <source>Wire type</source>
        <translation>线路类型</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>integer, e.g. 300 or -1 or 0x10</source>
        <translation>整数，如 300、-1 或 0x10</translation>
    </message>
    <message>
        <source>integer or float, e.g. 7 or 1.5</source>
        <translation>整数或 float，如 7 或 1.5</translation>
    </message>
    <message>
        <source>integer or double, e.g. 7 or 1.5</source>
        <translation>整数或 double，如 7 或 1.5</translation>
    </message>
    <message>
        <source>text, or hex bytes</source>
        <translation>文本，或十六进制字节</translation>
    </message>
    <message>
        <source>Not added — {0}</source>
        <translation>未添加 — {0}</translation>
    </message>
</context>
<context>
    <name>Reading</name>
    <message>
        <source>top bit set: a negative int32/int64</source>
        <translation>最高位为 1：负的 int32/int64</translation>
    </message>
    <message>
        <source>very large as unsigned</source>
        <translation>作为无符号数非常大</translation>
    </message>
    <message>
        <source>zigzag of a huge value</source>
        <translation>一个极大值的 zigzag</translation>
    </message>
    <message>
        <source>0 or 1: looks like a flag</source>
        <translation>0 或 1：像是标志位</translation>
    </message>
    <message>
        <source>non-negative integer (or enum number)</source>
        <translation>非负整数（或枚举值）</translation>
    </message>
    <message>
        <source>same as unsigned for values below 2^63</source>
        <translation>小于 2^63 时与无符号相同</translation>
    </message>
    <message>
        <source>zigzag (sint32/sint64) reading</source>
        <translation>zigzag（sint32/sint64）解读</translation>
    </message>
    <message>
        <source>finite float of moderate size</source>
        <translation>大小适中的有限 float</translation>
    </message>
    <message>
        <source>implausible as float</source>
        <translation>作为 float 不合理</translation>
    </message>
    <message>
        <source>unsigned 32-bit</source>
        <translation>无符号 32 位</translation>
    </message>
    <message>
        <source>negative 32-bit</source>
        <translation>负的 32 位</translation>
    </message>
    <message>
        <source>signed 32-bit</source>
        <translation>有符号 32 位</translation>
    </message>
    <message>
        <source>finite double of moderate size</source>
        <translation>大小适中的有限 double</translation>
    </message>
    <message>
        <source>implausible as double</source>
        <translation>作为 double 不合理</translation>
    </message>
    <message>
        <source>unsigned 64-bit</source>
        <translation>无符号 64 位</translation>
    </message>
    <message>
        <source>negative 64-bit</source>
        <translation>负的 64 位</translation>
    </message>
    <message>
        <source>signed 64-bit</source>
        <translation>有符号 64 位</translation>
    </message>
    <message>
        <source>printable UTF-8 text</source>
        <translation>可打印的 UTF-8 文本</translation>
    </message>
    <message>
        <source>valid UTF-8 but has control characters</source>
        <translation>有效的 UTF-8，但含控制字符</translation>
    </message>
    <message>
        <source>zigzag packed varints</source>
        <translation>zigzag 打包的 varint</translation>
    </message>
    <message>
        <source>packed floats of moderate size</source>
        <translation>大小适中的打包 float</translation>
    </message>
    <message>
        <source>packed floats (implausible)</source>
        <translation>打包的 float（不合理）</translation>
    </message>
    <message>
        <source>packed unsigned 32-bit</source>
        <translation>打包的无符号 32 位</translation>
    </message>
    <message>
        <source>packed doubles of moderate size</source>
        <translation>大小适中的打包 double</translation>
    </message>
    <message>
        <source>packed doubles (implausible)</source>
        <translation>打包的 double（不合理）</translation>
    </message>
    <message>
        <source>packed unsigned 64-bit</source>
        <translation>打包的无符号 64 位</translation>
    </message>
    <message>
        <source>empty: an empty string, bytes or message</source>
        <translation>空：空的字符串、字节或消息</translation>
    </message>
    <message>
        <source>empty message</source>
        <translation>空消息</translation>
    </message>
    <message>
        <source>empty bytes</source>
        <translation>空字节</translation>
    </message>
    <message>
        <source>raw bytes (always possible)</source>
        <translation>原始字节（总是可行）</translation>
    </message>
    <message>
        <source>proto2 group</source>
        <translation>proto2 group</translation>
    </message>
    <message>
        <source>parses cleanly as a message with {n} field(s)</source>
        <translation>可完整解析为含 {n} 个字段的消息</translation>
    </message>
    <message>
        <source>{n} varint(s)</source>
        <translation>{n} 个 varint</translation>
    </message>
    <message>
        <source>{n} varint(s), all below 2^32</source>
        <translation>{n} 个 varint，均小于 2^32</translation>
    </message>
</context>
<context>
    <name>Readings</name>
    <message>
        <source>field {number} at offset {tag_offset} cannot be read as {pinned}</source>
        <translation>偏移 {tag_offset} 处的字段 {number} 无法解读为 {pinned}</translation>
    </message>
    <message>
        <source>unknown kind {kind!r}</source>
        <translation>未知的种类 {kind!r}</translation>
    </message>
    <message>
        <source>{v} does not fit in 64 bits</source>
        <translation>{v} 超出 64 位的范围</translation>
    </message>
    <message>
        <source>{v} does not fit in sint64</source>
        <translation>{v} 超出 sint64 的范围</translation>
    </message>
    <message>
        <source>cannot encode kind {kind!r}</source>
        <translation>无法编码种类 {kind!r}</translation>
    </message>
    <message>
        <source>unknown kind {kind!r}; expected one of {names}</source>
        <translation>未知的种类 {kind!r}；应为以下之一：{names}</translation>
    </message>
</context>
<context>
    <name>ReflectionDialog</name>
    <message>
        <source>Schemas from server reflection</source>
        <translation>通过服务器反射获取模式</translation>
    </message>
    <message>
        <source>Load every message type a gRPC server describes through its reflection service.</source>
        <translation>加载 gRPC 服务器通过其反射服务描述的所有消息类型。</translation>
    </message>
    <message>
        <source>The connected engine ({0})</source>
        <translation>已连接的引擎（{0}）</translation>
    </message>
    <message>
        <source>The connected engine (not connected)</source>
        <translation>已连接的引擎（未连接）</translation>
    </message>
    <message>
        <source>Another server:</source>
        <translation>其他服务器：</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <source>Plaintext (no TLS)</source>
        <translation>明文（不使用 TLS）</translation>
    </message>
    <message>
        <source>bearer token, if the server wants one</source>
        <translation>Bearer 令牌（服务器需要时填写）</translation>
    </message>
</context>
<context>
    <name>ReplaceConfirmDialog</name>
    <message>
        <source>all at once</source>
        <translation>全部一次</translation>
    </message>
    <message>
        <source>Batch size (instances at a time):</source>
        <translation>批次大小（每批实例数）：</translation>
    </message>
</context>
<context>
    <name>ReplaceFlow</name>
    <message>
        <source>Instances added: {}</source>
        <translation>新增的实例：{}</translation>
    </message>
    <message>
        <source>Instances removed: {}</source>
        <translation>移除的实例：{}</translation>
    </message>
    <message>
        <source>Instances updated (restarted): {}</source>
        <translation>更新（重启）的实例：{}</translation>
    </message>
    <message>
        <source>Instances unchanged: {}</source>
        <translation>未变的实例：{}</translation>
    </message>
</context>
<context>
    <name>SavePreviewDialog</name>
    <message>
        <source>Save protobuf file</source>
        <translation>保存 protobuf 文件</translation>
    </message>
    <message>
        <source>&lt;b&gt;Write {0}?&lt;/b&gt;&lt;br&gt;{1}&lt;br&gt;Only the bytes listed below change; everything else is written back as it was.</source>
        <translation>&lt;b&gt;写入 {0}？&lt;/b&gt;&lt;br&gt;{1}&lt;br&gt;只有下方列出的字节会改变；其余内容按原样写回。</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
</context>
<context>
    <name>SavedViews</name>
    <message>
        <source>Saved &amp;views</source>
        <translation>已保存的视图(&amp;V)</translation>
    </message>
    <message>
        <source>View “{0}”</source>
        <translation>视图“{0}”</translation>
    </message>
    <message>
        <source>Deleted the view “{0}”</source>
        <translation>已删除视图“{0}”</translation>
    </message>
    <message>
        <source>Save current view</source>
        <translation>保存当前视图</translation>
    </message>
    <message>
        <source>Name of this view (filter, visible columns and sort):</source>
        <translation>此视图的名称（筛选、可见列和排序）：</translation>
    </message>
    <message>
        <source>A view needs a name: nothing was saved.</source>
        <translation>视图需要名称：未保存任何内容。</translation>
    </message>
    <message>
        <source>Replaced the view “{0}”</source>
        <translation>已替换视图“{0}”</translation>
    </message>
    <message>
        <source>Saved the view “{0}”</source>
        <translation>已保存视图“{0}”</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>删除(&amp;D)</translation>
    </message>
    <message>
        <source>(no saved views yet)</source>
        <translation>（尚无已保存的视图）</translation>
    </message>
    <message>
        <source>(no filter)</source>
        <translation>（无筛选）</translation>
    </message>
</context>
<context>
    <name>SchemaError</name>
    <message>
        <source>cannot read descriptor set {path}: {strerror}</source>
        <translation>无法读取描述符集 {path}：{strerror}</translation>
    </message>
    <message>
        <source>{path} is not a FileDescriptorSet: {err}</source>
        <translation>{path} 不是 FileDescriptorSet：{err}</translation>
    </message>
    <message>
        <source>{name!r} is not SERVICE/METHOD (e.g. pelorus.v1.JobService/ListJobs)</source>
        <translation>{name!r} 不是 SERVICE/METHOD 形式（例如 pelorus.v1.JobService/ListJobs）</translation>
    </message>
    <message>
        <source>service {name!r} is ambiguous: {names}</source>
        <translation>服务 {name!r} 有歧义：{names}</translation>
    </message>
    <message>
        <source>service {name!r} is not in {source} (services: {offered})</source>
        <translation>服务 {name!r} 不在 {source} 中（现有服务：{offered}）</translation>
    </message>
    <message>
        <source>{full_name} has no method {method_name!r} (methods: {listed})</source>
        <translation>{full_name} 没有方法 {method_name!r}（现有方法：{listed}）</translation>
    </message>
    <message>
        <source>symbol {symbol!r} is not in {source}</source>
        <translation>符号 {symbol!r} 不在 {source} 中</translation>
    </message>
    <message>
        <source>{name} is already loaded with different contents; start a new schema set to replace it</source>
        <translation>已加载内容不同的 {name}；请新建一个模式集来替换它</translation>
    </message>
    <message>
        <source>cannot load {name}: {err}</source>
        <translation>无法加载 {name}：{err}</translation>
    </message>
    <message>
        <source>{importer} imports {name}, which is neither in the descriptor set nor loaded</source>
        <translation>{importer} 导入了 {name}，但它既不在描述符集中，也未加载</translation>
    </message>
    <message>
        <source>{origin}: {n} import(s) could not be resolved: {listed}</source>
        <translation>{origin}：{n} 个导入无法解析：{listed}</translation>
    </message>
    <message>
        <source>{path} contains no files; is it a FileDescriptorSet?</source>
        <translation>{path} 不包含任何文件；它是 FileDescriptorSet 吗？</translation>
    </message>
    <message>
        <source>type {name!r} is ambiguous: {names}</source>
        <translation>类型 {name!r} 有歧义：{names}</translation>
    </message>
    <message>
        <source>message type {name!r} is not loaded (load a .proto or descriptor set that defines it)</source>
        <translation>消息类型 {name!r} 未加载（请加载定义它的 .proto 或描述符集）</translation>
    </message>
    <message>
        <source>bytes do not parse as {full_name}: {err}</source>
        <translation>字节无法解析为 {full_name}：{err}</translation>
    </message>
    <message>
        <source>cannot write JSON: {err} (load the schema of the packed type, or use text format)</source>
        <translation>无法写出 JSON：{err}（请加载被打包类型的模式，或使用文本格式）</translation>
    </message>
    <message>
        <source>cannot write JSON: a google.protobuf.Any packs bytes that do not parse ({err}); text format or raw shows them</source>
        <translation>无法写出 JSON：某个 google.protobuf.Any 打包的字节无法解析（{err}）；文本格式或原始视图可以显示它们</translation>
    </message>
    <message>
        <source>cannot write JSON: {err} (JSON has no form for it; text format or raw shows the value as it is)</source>
        <translation>无法写出 JSON：{err}（JSON 无法表示它；文本格式或原始视图会按原样显示该值）</translation>
    </message>
    <message>
        <source>JSON for {full_name} must be a JSON object {{...}}; this document starts with {first!r}</source>
        <translation>{full_name} 的 JSON 必须是一个 JSON 对象 {{...}}；此文档以 {first!r} 开头</translation>
    </message>
    <message>
        <source>JSON does not fit {full_name}: {err}</source>
        <translation>JSON 与 {full_name} 不符：{err}</translation>
    </message>
    <message>
        <source>text does not fit {full_name}: {err}</source>
        <translation>文本与 {full_name} 不符：{err}</translation>
    </message>
    <message>
        <source>no .proto files under {path}</source>
        <translation>{path} 下没有 .proto 文件</translation>
    </message>
    <message>
        <source>proto file {path} does not exist</source>
        <translation>proto 文件 {path} 不存在</translation>
    </message>
    <message>
        <source>an Any packs bytes that do not parse ({err}); the text cannot be edited</source>
        <translation>某个 Any 打包的字节无法解析（{err}）；无法编辑此文本</translation>
    </message>
</context>
<context>
    <name>SchemaSources</name>
    <message>
        <source>Load .proto files…</source>
        <translation>加载 .proto 文件…</translation>
    </message>
    <message>
        <source>Load a directory of .proto files…</source>
        <translation>加载 .proto 文件目录…</translation>
    </message>
    <message>
        <source>Add import path…</source>
        <translation>添加导入路径…</translation>
    </message>
    <message>
        <source>Load descriptor set…</source>
        <translation>加载描述符集…</translation>
    </message>
    <message>
        <source>Export readings as .proto…</source>
        <translation>将解读导出为 .proto…</translation>
    </message>
    <message>
        <source>From server reflection…</source>
        <translation>通过服务器反射…</translation>
    </message>
    <message>
        <source>Compare with…</source>
        <translation>比较…</translation>
    </message>
    <message>
        <source>Compare this message (including unsaved edits) with another file</source>
        <translation>将此消息（包括未保存的编辑）与另一个文件比较</translation>
    </message>
    <message>
        <source>Compiling {0} .proto file(s)…</source>
        <translation>正在编译 {0} 个 .proto 文件…</translation>
    </message>
    <message>
        <source>Loading {0}…</source>
        <translation>正在加载 {0}…</translation>
    </message>
    <message>
        <source>Not connected to an engine: choose another server and type its address.</source>
        <translation>未连接到引擎：请选择其他服务器并输入其地址。</translation>
    </message>
    <message>
        <source>Reading schemas from {0} (server reflection)…</source>
        <translation>正在从 {0} 读取模式（服务器反射）…</translation>
    </message>
    <message>
        <source>Loading {0} file(s) from {1}…</source>
        <translation>正在从 {1} 加载 {0} 个文件…</translation>
    </message>
    <message>
        <source>server reflection at {0}</source>
        <translation>{0} 的服务器反射</translation>
    </message>
    <message>
        <source>Loaded {0} schema file(s): {1}</source>
        <translation>已加载 {0} 个模式文件：{1}</translation>
    </message>
    <message>
        <source>Open a file first: the .proto is built from the decoded fields.</source>
        <translation>请先打开文件：.proto 是根据解码出的字段生成的。</translation>
    </message>
    <message>
        <source>Exporting {0}…</source>
        <translation>正在导出 {0}…</translation>
    </message>
    <message>
        <source>Cannot write {0}: {1}</source>
        <translation>无法写入 {0}：{1}</translation>
    </message>
    <message>
        <source>Exported the field readings (pinned, else the best) as message {0} to {1}.</source>
        <translation>已将字段解读（优先取已固定的，否则取最佳的）作为消息 {0} 导出到 {1}。</translation>
    </message>
    <message>
        <source>Reading {0}…</source>
        <translation>正在读取 {0}…</translation>
    </message>
    <message>
        <source>Cannot open {0}: {1}</source>
        <translation>无法打开 {0}：{1}</translation>
    </message>
    <message>
        <source>Pelorus — compare {0} with {1}</source>
        <translation>Pelorus — 比较 {0} 与 {1}</translation>
    </message>
    <message>
        <source>Compare with a protobuf file</source>
        <translation>与 protobuf 文件比较</translation>
    </message>
    <message>
        <source>Server reflection: type the server&apos;s address as host:port.</source>
        <translation>服务器反射：请以 host:port 格式输入服务器地址。</translation>
    </message>
    <message>
        <source>Load .proto files</source>
        <translation>加载 .proto 文件</translation>
    </message>
    <message>
        <source>Proto files (*.proto)</source>
        <translation>Proto 文件 (*.proto)</translation>
    </message>
    <message>
        <source>Directory of .proto files</source>
        <translation>.proto 文件目录</translation>
    </message>
    <message>
        <source>Import path</source>
        <translation>导入路径</translation>
    </message>
    <message>
        <source>Import paths: </source>
        <translation>导入路径：</translation>
    </message>
    <message>
        <source>Export readings as .proto</source>
        <translation>将解读导出为 .proto</translation>
    </message>
    <message>
        <source>Load a FileDescriptorSet</source>
        <translation>加载 FileDescriptorSet</translation>
    </message>
    <message>
        <source>Descriptor sets (*.desc *.pb *.binpb);;All files (*)</source>
        <translation>描述符集 (*.desc *.pb *.binpb);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>Session</name>
    <message>
        <source>starting the embedded engine</source>
        <translation>正在启动内置引擎</translation>
    </message>
    <message>
        <source>Started the embedded engine (data in {0})</source>
        <translation>已启动内置引擎（数据位于 {0}）</translation>
    </message>
    <message>
        <source>Could not connect: {0}</source>
        <translation>无法连接：{0}</translation>
    </message>
    <message>
        <source>the embedded engine {0}; restarting it…</source>
        <translation>内置引擎{0}；正在重启…</translation>
    </message>
    <message>
        <source>the embedded engine {0} again, {1:.0f} s after its restart: not restarted automatically</source>
        <translation>内置引擎在重启 {1:.0f} 秒后再次{0}：不再自动重启</translation>
    </message>
    <message>
        <source>The embedded engine {0} again; use Restart engine to start it</source>
        <translation>内置引擎再次{0}；请使用“重启引擎”启动它</translation>
    </message>
    <message>
        <source>restarting the embedded engine…</source>
        <translation>正在重启内置引擎…</translation>
    </message>
    <message>
        <source>the embedded engine could not be started: {0}</source>
        <translation>内置引擎无法启动：{0}</translation>
    </message>
    <message>
        <source>The embedded engine could not be started; see its log</source>
        <translation>内置引擎无法启动；请查看其日志</translation>
    </message>
    <message>
        <source>re-attaching to the restarted engine</source>
        <translation>正在重新接入已重启的引擎</translation>
    </message>
    <message>
        <source>the embedded engine was restarted after it {0}, but the console could not attach to it</source>
        <translation>内置引擎在{0}后已重启，但控制台无法接入</translation>
    </message>
    <message>
        <source>restarted after it {0}</source>
        <translation>在{0}后已重启</translation>
    </message>
    <message>
        <source>The embedded engine {0}; it was restarted and the console re-attached</source>
        <translation>内置引擎{0}；已重启，控制台已重新接入</translation>
    </message>
    <message>
        <source>Disconnected: {0}</source>
        <translation>已断开：{0}</translation>
    </message>
    <message>
        <source>Could not stop </source>
        <translation>无法停止：</translation>
    </message>
    <message numerus="yes">
        <source>Stopping %n running pod(s)… {0:.0f} s</source>
        <translation>
            <numerusform>正在停止 %n 个运行中的 Pod… {0:.0f} 秒</numerusform>
        </translation>
    </message>
    <message>
        <source>Waiting for the engine to exit… {0:.1f} s (it is killed after {1:.0f} s)</source>
        <translation>正在等待引擎退出… {0:.1f} 秒（{1:.0f} 秒后将被终止）</translation>
    </message>
    <message>
        <source>The engine did not exit: killed it (SIGKILL), waiting… {0:.1f} s</source>
        <translation>引擎未退出：已将其终止（SIGKILL），正在等待… {0:.1f} 秒</translation>
    </message>
    <message>
        <source>The embedded engine had already exited.</source>
        <translation>内置引擎已经退出。</translation>
    </message>
    <message>
        <source>The embedded engine did not end even {0:.0f} s after SIGKILL; see its log: {1}</source>
        <translation>内置引擎在 SIGKILL 后 {0:.0f} 秒仍未结束；请查看其日志：{1}</translation>
    </message>
    <message>
        <source>The embedded engine was killed on request (SIGKILL) after {0:.1f} s of waiting for it to exit.</source>
        <translation>等待内置引擎退出 {0:.1f} 秒后，已按请求将其终止（SIGKILL）。</translation>
    </message>
    <message>
        <source>The embedded engine did not exit within {0:.0f} s of SIGTERM and had to be killed (SIGKILL); it was gone after {1:.1f} s.</source>
        <translation>内置引擎在 SIGTERM 后 {0:.0f} 秒内未退出，只能将其终止（SIGKILL）；{1:.1f} 秒后已退出。</translation>
    </message>
    <message>
        <source>Stopped the embedded engine cleanly in {0:.1f} s.</source>
        <translation>已在 {0:.1f} 秒内正常停止内置引擎。</translation>
    </message>
    <message numerus="yes">
        <source>Its %n running pod(s) were stopped first (their jobs end KILLED).</source>
        <translation>
            <numerusform>已先停止其 %n 个运行中的 Pod（其作业以 KILLED 结束）。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n pod(s) keep running unsupervised; the engine re-adopts them when it starts again.</source>
        <translation>
            <numerusform>%n 个 Pod 将在无人监管的情况下继续运行；引擎再次启动时会重新接管它们。</numerusform>
        </translation>
    </message>
    <message>
        <source>Connected with a viewer token: read-only</source>
        <translation>已使用查看者令牌连接：只读</translation>
    </message>
    <message>
        <source>cancelled before it started</source>
        <translation>在开始前已取消</translation>
    </message>
</context>
<context>
    <name>SpecDiffView</name>
    <message>
        <source>The older version&apos;s spec</source>
        <translation>较旧版本的规格</translation>
    </message>
    <message>
        <source>The newer version&apos;s spec</source>
        <translation>较新版本的规格</translation>
    </message>
    <message>
        <source>Select a version to see what it changed, or two (Ctrl+click) to compare them.</source>
        <translation>选择一个版本查看它的更改，或选择两个版本（Ctrl+单击）进行比较。</translation>
    </message>
    <message numerus="yes">
        <source>%n line(s) differ</source>
        <translation>
            <numerusform>%n 行不同</numerusform>
        </translation>
    </message>
    <message>
        <source>The two specs are the same.</source>
        <translation>两个规格相同。</translation>
    </message>
</context>
<context>
    <name>SpecEditorDialog</name>
    <message>
        <source>Edit job {0} (version {1})</source>
        <translation>编辑作业 {0}（版本 {1}）</translation>
    </message>
    <message>
        <source>New job</source>
        <translation>新建作业</translation>
    </message>
    <message>
        <source>program and arguments, shell-quoted</source>
        <translation>程序及参数，按 shell 规则加引号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Job spec (YAML)</source>
        <translation>作业规格（YAML）</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>所有者</translation>
    </message>
    <message>
        <source>Instances</source>
        <translation>实例</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>命令</translation>
    </message>
    <message>
        <source>Review changes…</source>
        <translation>检查变更…</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>创建</translation>
    </message>
    <message>
        <source>Spec (YAML; field names as in pelorus.v1.JobSpec):</source>
        <translation>规格（YAML；字段名与 pelorus.v1.JobSpec 相同）：</translation>
    </message>
    <message>
        <source>Edit payload in protobuf editor…</source>
        <translation>在 protobuf 编辑器中编辑载荷…</translation>
    </message>
    <message>
        <source>Use the editor&apos;s payload</source>
        <translation>使用编辑器中的载荷</translation>
    </message>
    <message>
        <source>Put the payload as edited in the protobuf editor window into this spec</source>
        <translation>将 protobuf 编辑器窗口中编辑后的载荷放入此规格</translation>
    </message>
    <message>
        <source>Line {}, column {}: </source>
        <translation>第 {} 行，第 {} 列：</translation>
    </message>
    <message>
        <source>Line {}: </source>
        <translation>第 {} 行：</translation>
    </message>
    <message>
        <source>Valid spec.</source>
        <translation>规格有效。</translation>
    </message>
    <message>
        <source>Payload: {0}</source>
        <translation>载荷：{0}</translation>
    </message>
    <message>
        <source>Payload of {0}</source>
        <translation>{0} 的载荷</translation>
    </message>
    <message>
        <source>Fix the YAML before taking the payload.</source>
        <translation>请先修正 YAML，再取用载荷。</translation>
    </message>
    <message>
        <source>Fix the YAML before using the form.</source>
        <translation>请先修正 YAML，再使用表单。</translation>
    </message>
    <message>
        <source>Command: {0}</source>
        <translation>命令：{0}</translation>
    </message>
</context>
<context>
    <name>SpecError</name>
    <message>
        <source>line {line}, column {column}: {message}</source>
        <translation>第 {line} 行，第 {column} 列：{message}</translation>
    </message>
    <message>
        <source>line {line}: {message}</source>
        <translation>第 {line} 行：{message}</translation>
    </message>
    <message>
        <source>data: a payload is a mapping with &quot;@type&quot; (its type URL) and its fields, or &quot;@type&quot; and &quot;{key}&quot; (base64) when its type is not loaded</source>
        <translation>data：载荷是一个映射，包含 &quot;@type&quot;（其类型 URL）和它的字段；若其类型未加载，则包含 &quot;@type&quot; 和 &quot;{key}&quot;（base64）</translation>
    </message>
    <message>
        <source>data: with {key} only @type may be given, not {names}</source>
        <translation>data：使用 {key} 时只能同时给出 @type，不能给出 {names}</translation>
    </message>
    <message>
        <source>data.{key}: not base64 ({exc})</source>
        <translation>data.{key}：不是 base64（{exc}）</translation>
    </message>
    <message>
        <source>data: the type {type_name} is not loaded; load its schema (protobuf editor) or give the payload as &quot;@type&quot; and &quot;{key}&quot; (base64)</source>
        <translation>data：类型 {type_name} 未加载；请加载它的模式（protobuf 编辑器），或以 &quot;@type&quot; 和 &quot;{key}&quot;（base64）给出载荷</translation>
    </message>
    <message>
        <source>data ({type_name}): {exc}</source>
        <translation>data（{type_name}）：{exc}</translation>
    </message>
    <message>
        <source>not valid YAML: {problem}</source>
        <translation>不是有效的 YAML：{problem}</translation>
    </message>
    <message>
        <source>the spec is empty</source>
        <translation>规格为空</translation>
    </message>
    <message>
        <source>a job spec is a mapping of fields (name:, instance_count:, default_spec: ...)</source>
        <translation>作业规格是字段的映射（name:、instance_count:、default_spec: ...）</translation>
    </message>
    <message>
        <source>{path}: {reason}</source>
        <translation>{path}：{reason}</translation>
    </message>
    <message>
        <source>{name}: {exc}</source>
        <translation>{name}：{exc}</translation>
    </message>
    <message>
        <source>No demo job specs: {exc}</source>
        <translation>没有演示作业规格：{exc}</translation>
    </message>
    <message>
        <source>No demo job specs (*.yaml) in {folder}; the installation is incomplete</source>
        <translation>{folder} 中没有演示作业规格（*.yaml）；安装不完整</translation>
    </message>
    <message>
        <source>a mapping</source>
        <extracomment>Well-known types written as one string (or number) in the JSON mapping.</extracomment>
        <translation>映射</translation>
    </message>
    <message>
        <source>a list</source>
        <translation>列表</translation>
    </message>
    <message>
        <source>something else</source>
        <translation>其他内容</translation>
    </message>
    <message>
        <source>{path}: expected a mapping of {type} fields, not {shape}</source>
        <translation>{path}：应为 {type} 字段的映射，而不是{shape}</translation>
    </message>
    <message>
        <source>unknown field {key} in {path}: did you mean {hint}?</source>
        <translation>{path} 中的未知字段 {key}：是否想输入 {hint}？</translation>
    </message>
    <message>
        <source>unknown field {key}: did you mean {hint}?</source>
        <translation>未知字段 {key}：是否想输入 {hint}？</translation>
    </message>
    <message>
        <source>unknown field {key} in {path}; {type} has {names}</source>
        <translation>{path} 中的未知字段 {key}；{type} 的字段有 {names}</translation>
    </message>
    <message>
        <source>unknown field {key}; {type} has {names}</source>
        <translation>未知字段 {key}；{type} 的字段有 {names}</translation>
    </message>
    <message>
        <source>{path}: {first} and {second} are alternatives ({oneof}); give only one</source>
        <translation>{path}：{first} 和 {second} 二者择一（{oneof}）；只能给出其中一个</translation>
    </message>
    <message>
        <source>{path}: expected a mapping (key: value), not {shape}</source>
        <translation>{path}：应为映射（key: value），而不是{shape}</translation>
    </message>
    <message>
        <source>{path}: expected a list (one `- item` per line, or [a, b]), not {shape}</source>
        <translation>{path}：应为列表（每行一个 `- item`，或 [a, b]），而不是{shape}</translation>
    </message>
    <message>
        <source>{path}: expected a single value (e.g. 30s for a duration), not {shape}</source>
        <translation>{path}：应为单个值（例如时长 30s），而不是{shape}</translation>
    </message>
    <message>
        <source>{path}: expected a duration in seconds such as 30s or 1.5s, not {value}</source>
        <translation>{path}：应为以秒计的时长，例如 30s 或 1.5s，而不是 {value}</translation>
    </message>
    <message>
        <source>{path}: expected a time with its zone such as 2026-01-01T09:00:00Z or 2026-01-01T10:00:00+01:00, not {value}</source>
        <translation>{path}：应为带时区的时间，例如 2026-01-01T09:00:00Z 或 2026-01-01T10:00:00+01:00，而不是 {value}</translation>
    </message>
    <message>
        <source>{path}: expected a single value, not {shape}</source>
        <translation>{path}：应为单个值，而不是{shape}</translation>
    </message>
    <message>
        <source>{path}: {value} is read as a number; put it in quotes (&apos;{value}&apos;) to give it as text</source>
        <translation>{path}：{value} 被读作数字；要作为文本给出，请加上引号（&apos;{value}&apos;）</translation>
    </message>
    <message>
        <source>{path}: {value} is read as true/false; put it in quotes (&apos;{value}&apos;) to give it as text</source>
        <translation>{path}：{value} 被读作 true/false；要作为文本给出，请加上引号（&apos;{value}&apos;）</translation>
    </message>
    <message>
        <source>{path}: expected a whole number, not {value}</source>
        <translation>{path}：应为整数，而不是 {value}</translation>
    </message>
    <message>
        <source>{path}: must not be negative ({value})</source>
        <translation>{path}：不能为负数（{value}）</translation>
    </message>
    <message>
        <source>{path}: expected a number, not {value}</source>
        <translation>{path}：应为数字，而不是 {value}</translation>
    </message>
    <message>
        <source>{path}: expected true or false, not {value}</source>
        <translation>{path}：应为 true 或 false，而不是 {value}</translation>
    </message>
    <message>
        <source>{path}: {value} is not a {type}: did you mean {hint}?</source>
        <translation>{path}：{value} 不是 {type}：是否想输入 {hint}？</translation>
    </message>
    <message>
        <source>{path}: {value} is not a {type}; use one of {names}</source>
        <translation>{path}：{value} 不是 {type}；请使用以下之一：{names}</translation>
    </message>
</context>
<context>
    <name>StructureEdit</name>
    <message>
        <source>add {label}[{n}]</source>
        <translation>添加 {label}[{n}]</translation>
    </message>
    <message>
        <source>add an entry to {label}</source>
        <translation>向 {label} 添加一个条目</translation>
    </message>
    <message>
        <source>set {label}</source>
        <translation>设置 {label}</translation>
    </message>
    <message>
        <source>set oneof {oneof} to {label}</source>
        <translation>将 oneof {oneof} 设为 {label}</translation>
    </message>
    <message>
        <source>set oneof {oneof} to {label} (clears {cleared})</source>
        <translation>将 oneof {oneof} 设为 {label}（清除 {cleared}）</translation>
    </message>
    <message>
        <source>append an item to packed {name}</source>
        <translation>向打包的 {name} 追加一项</translation>
    </message>
    <message>
        <source>clear {label} ({n} occurrence(s), {size} bytes)</source>
        <translation>清除 {label}（{n} 次出现，{size} 字节）</translation>
    </message>
    <message>
        <source>move {label} up (to position {k})</source>
        <translation>上移 {label}（到位置 {k}）</translation>
    </message>
    <message>
        <source>move {label} down (to position {k})</source>
        <translation>下移 {label}（到位置 {k}）</translation>
    </message>
    <message>
        <source>{label} ({kind}, 1 occurrence, {size:,} bytes)</source>
        <translation>{label}（{kind}，1 次出现，{size:,} 字节）</translation>
    </message>
    <message>
        <source>{label} ({kind}, {n} item(s), {size:,} bytes)</source>
        <translation>{label}（{kind}，{n} 项，{size:,} 字节）</translation>
    </message>
    <message>
        <source>add field {number} ({name}, {size} bytes) at position {at}</source>
        <translation>在位置 {at} 添加字段 {number}（{name}，{size} 字节）</translation>
    </message>
</context>
<context>
    <name>TargetError</name>
    <message>
        <source>header {text!r} is not &apos;name: value&apos;</source>
        <translation>标头 {text!r} 不是 &apos;name: value&apos; 形式</translation>
    </message>
    <message>
        <source>cannot read the {what} {path}: {strerror}</source>
        <translation>无法读取{what} {path}：{strerror}</translation>
    </message>
    <message>
        <source>--tls-cert and --tls-key go together (the client certificate and its key)</source>
        <translation>--tls-cert 和 --tls-key 必须同时给出（客户端证书及其密钥）</translation>
    </message>
    <message>
        <source>CA certificate</source>
        <translation>CA 证书</translation>
    </message>
    <message>
        <source>client key</source>
        <translation>客户端密钥</translation>
    </message>
    <message>
        <source>client certificate</source>
        <translation>客户端证书</translation>
    </message>
</context>
<context>
    <name>TextApplyPane</name>
    <message>
        <source>Apply re-encodes this message through the schema: the result is canonical (field order, varint widths and packing normalised). Unknown fields are kept. One undoable edit.</source>
        <translation>“应用”会按模式重新编码此消息：结果为规范形式（字段顺序、varint 宽度和打包方式均规范化）。未知字段会保留。这是一次可撤销的编辑。</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>还原</translation>
    </message>
    <message>
        <source>The message changed since you started typing: Apply replaces it with this text, Revert shows the current message.</source>
        <translation>你开始输入后消息已发生变化：“应用”会用此文本替换它，“还原”会显示当前消息。</translation>
    </message>
    <message>
        <source>Not applied — {0}</source>
        <translation>未应用 — {0}</translation>
    </message>
</context>
<context>
    <name>TextEditError</name>
    <message>
        <source>line {line}, column {column}: {reason}</source>
        <translation>第 {line} 行，第 {column} 列：{reason}</translation>
    </message>
    <message>
        <source>not valid JSON: {msg}</source>
        <translation>不是有效的 JSON：{msg}</translation>
    </message>
    <message>
        <source>cannot encode: {err}</source>
        <translation>无法编码：{err}</translation>
    </message>
</context>
<context>
    <name>TextPanes</name>
    <message>
        <source>text format</source>
        <translation>文本格式</translation>
    </message>
    <message>
        <source>Applying the {0} edit ({1:,} bytes)…</source>
        <translation>正在应用{0}编辑（{1:,} 字节）…</translation>
    </message>
    <message>
        <source>Applying the {0} edit was cancelled: nothing changed, the text is kept.</source>
        <translation>已取消应用{0}编辑：没有任何改动，文本已保留。</translation>
    </message>
    <message>
        <source>{0} not applied: {1}</source>
        <translation>{0}未应用：{1}</translation>
    </message>
    <message>
        <source>Rendering {0:,} bytes as {1}…</source>
        <translation>正在将 {0:,} 字节渲染为{1}…</translation>
    </message>
    <message>
        <source>Rendering the {0} was cancelled: show another tab and this one again to render it.</source>
        <translation>已取消渲染{0}：切换到其他标签页再切回即可重新渲染。</translation>
    </message>
    <message>
        <source>Rendering the {0} was cancelled: what is shown is its start; show another tab and this one again to render it all.</source>
        <translation>已取消渲染{0}：当前显示的是其开头部分；切换到其他标签页再切回即可完整渲染。</translation>
    </message>
    <message>
        <source>Read-only: a message this large ({0:,} bytes) is shown without editing here; edit it in the tree or the hex pane.</source>
        <translation>只读：如此大的消息（{0:,} 字节）在此处仅供查看，不能编辑；请在字段树或十六进制窗格中编辑。</translation>
    </message>
    <message>
        <source>Schemaless view (read-only): choose a message type to edit as text.</source>
        <translation>无模式视图（只读）：选择一个消息类型后即可作为文本编辑。</translation>
    </message>
    <message>
        <source>Read-only: {why}.</source>
        <translation>只读：{why}。</translation>
    </message>
    <message>
        <source>damaged at offset {offset}: {reason}; only what decodes before it is shown</source>
        <translation>在偏移 {offset} 处损坏：{reason}；只显示损坏之前能解码的部分</translation>
    </message>
</context>
<context>
    <name>ThemeController</name>
    <message>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <source>Follow the &amp;system</source>
        <translation>跟随系统(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>浅色(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>深色(&amp;D)</translation>
    </message>
    <message>
        <source>Light or dark as the desktop is, switching when it switches</source>
        <translation>与桌面一致的浅色或深色，桌面切换时随之切换</translation>
    </message>
</context>
<context>
    <name>TimelineView</name>
    <message>
        <source>Workflow timeline</source>
        <extracomment>The colours intervals are drawn in (the palette&apos;s live QColors: a theme change recolours them), indexed by the lane cache&apos;s colour index; the last one is for states the palette does not name.</extracomment>
        <translation>工作流时间线</translation>
    </message>
    <message>
        <source>Up and Down choose a lane, Enter selects that instance&apos;s pod; Left and Right pan, plus and minus zoom, F fits the whole run.</source>
        <translation>上下方向键选择泳道，Enter 选中该实例的 Pod；左右方向键平移，加号和减号缩放，F 显示整个运行。</translation>
    </message>
    <message>
        <source>No pod has run yet: each instance&apos;s lane fills in as its pods change state.</source>
        <translation>还没有 Pod 运行过：每个实例的泳道会随其 Pod 的状态变化逐步填充。</translation>
    </message>
    <message>
        <source>{0} · {1}
{2} for {3:.2f} s from {4:%H:%M:%S}</source>
        <translation>{0} · {1}
{2}，自 {4:%H:%M:%S} 起持续 {3:.2f} 秒</translation>
    </message>
    <message>
        <source>idle for {0:.1f} s (collapsed)</source>
        <translation>空闲 {0:.1f} 秒（已折叠）</translation>
    </message>
</context>
<context>
    <name>TreeEditor</name>
    <message>
        <source>set field {number} at offset {offset} to {value}</source>
        <translation>将偏移 {offset} 处的字段 {number} 设为 {value}</translation>
    </message>
    <message>
        <source>set field {number} ({name}) at offset {offset} to {value}</source>
        <translation>将偏移 {offset} 处的字段 {number}（{name}）设为 {value}</translation>
    </message>
    <message>
        <source>set {name} at offset {offset} to {value}</source>
        <translation>将偏移 {offset} 处的 {name} 设为 {value}</translation>
    </message>
    <message>
        <source>remove {label} ({size} bytes)</source>
        <translation>删除 {label}（{size} 字节）</translation>
    </message>
    <message>
        <source>this row is not a message of a known type: nothing to add to</source>
        <translation>此行不是已知类型的消息：无处可添加</translation>
    </message>
    <message>
        <source>{type} has no field {number}</source>
        <translation>{type} 没有字段 {number}</translation>
    </message>
    <message>
        <source>fields are added by number only where no schema describes the level</source>
        <translation>只有在没有模式描述该层时，才能按编号添加字段</translation>
    </message>
    <message>
        <source>only repeated fields and maps get new items</source>
        <translation>只有 repeated 字段和 map 才能添加新项</translation>
    </message>
</context>
<context>
    <name>TypeAssign</name>
    <message>
        <source>Schema</source>
        <translation>模式</translation>
    </message>
    <message>
        <source>Assign type…</source>
        <translation>指定类型…</translation>
    </message>
    <message>
        <source>Clear assigned type ({0})</source>
        <translation>清除指定的类型（{0}）</translation>
    </message>
    <message>
        <source>field {0}</source>
        <translation>字段 {0}</translation>
    </message>
    <message>
        <source>the bytes of {0}</source>
        <translation>{0} 的字节</translation>
    </message>
    <message>
        <source>Reading {0} as {1} (a view choice: the bytes are unchanged).</source>
        <translation>正在将 {0} 读取为 {1}（仅影响显示：字节不变）。</translation>
    </message>
    <message>
        <source>{0} is read without a schema again.</source>
        <translation>{0} 已恢复为无模式读取。</translation>
    </message>
</context>
<context>
    <name>TypeChooserDialog</name>
    <message>
        <source>Assign type</source>
        <translation>指定类型</translation>
    </message>
    <message>
        <source>Read {0} as this message type. The bytes do not change.</source>
        <translation>将 {0} 读取为此消息类型。字节不会改变。</translation>
    </message>
    <message>
        <source>Filter types</source>
        <translation>筛选类型</translation>
    </message>
    <message>
        <source>type to filter</source>
        <translation>输入以筛选</translation>
    </message>
    <message>
        <source>Types</source>
        <translation>类型</translation>
    </message>
</context>
<context>
    <name>ValueDelegate</name>
    <message>
        <source>{0} (unknown)</source>
        <translation>{0}（未知）</translation>
    </message>
    <message>
        <source>{0}: values separated by commas — add, remove or reorder them</source>
        <translation>{0}：以逗号分隔的值 — 可添加、删除或调整顺序</translation>
    </message>
    <message>
        <source>bytes as hex digits (0a ff 10), or base64: followed by base64 text</source>
        <translation>以十六进制数字表示的字节（0a ff 10），或 base64: 后接 base64 文本</translation>
    </message>
    <message>
        <source>RFC 3339 date-time (UTC &apos;Z&apos; or an offset such as +02:00), up to 9 fraction digits; 0001-01-01 … 9999-12-31. Writes seconds and nanos in one edit.</source>
        <translation>RFC 3339 日期时间（UTC 用 &apos;Z&apos;，或 +02:00 这样的偏移），小数最多 9 位；范围 0001-01-01 … 9999-12-31。一次编辑同时写入 seconds 和 nanos。</translation>
    </message>
    <message>
        <source>seconds with an optional fraction (up to 9 digits) and &apos;s&apos;; ±315,576,000,000 s</source>
        <translation>秒数，可带小数（最多 9 位），以 &apos;s&apos; 结尾；范围 ±315,576,000,000 秒</translation>
    </message>
</context>
<context>
    <name>ValueEditor</name>
    <message>
        <source>{value!r} is not true or false</source>
        <translation>{value!r} 不是 true 或 false</translation>
    </message>
    <message>
        <source>{value!r} is not a whole number</source>
        <translation>{value!r} 不是整数</translation>
    </message>
    <message>
        <source>{n} is out of range for {what}: {lo} … {hi}</source>
        <translation>{n} 超出 {what} 的范围：{lo} … {hi}</translation>
    </message>
    <message>
        <source>{value!r} is not a number</source>
        <translation>{value!r} 不是数字</translation>
    </message>
    <message>
        <source>{x} does not fit in a 32-bit float</source>
        <translation>{x} 超出 32 位浮点数的范围</translation>
    </message>
    <message>
        <source>{b64!r} is not valid base64</source>
        <translation>{b64!r} 不是有效的 base64</translation>
    </message>
    <message>
        <source>bytes must be hex digits (0a ff 10) or base64: then base64 text</source>
        <translation>字节必须是十六进制数字（0a ff 10）或 base64: 后接 base64 文本</translation>
    </message>
    <message>
        <source>no editor for {w}</source>
        <translation>没有用于 {w} 的编辑器</translation>
    </message>
    <message>
        <source>{item!r} is not true or false</source>
        <translation>{item!r} 不是 true 或 false</translation>
    </message>
    <message>
        <source>item {n} ({item!r}): {err}</source>
        <translation>第 {n} 项（{item!r}）：{err}</translation>
    </message>
    <message>
        <source>item {n}: {v} is out of range for {t}: {minimum} … {maximum}</source>
        <translation>第 {n} 项：{v} 超出 {t} 的范围：{minimum} … {maximum}</translation>
    </message>
    <message>
        <source>{seconds}s {nanos}ns is outside the Timestamp range 0001-01-01 … 9999-12-31</source>
        <translation>{seconds}s {nanos}ns 超出 Timestamp 的范围 0001-01-01 … 9999-12-31</translation>
    </message>
    <message>
        <source>{text!r} is not an RFC 3339 date-time like 2026-12-01T23:15:00.123456789Z (date, &apos;T&apos;, time, optional fraction, then Z or an offset like +02:00)</source>
        <translation>{text!r} 不是 RFC 3339 日期时间，例如 2026-12-01T23:15:00.123456789Z（日期、&apos;T&apos;、时间、可选的小数部分，然后是 Z 或 +02:00 这样的偏移）</translation>
    </message>
    <message>
        <source>{text!r} is outside the Timestamp range 0001-01-01T00:00:00Z … 9999-12-31T23:59:59Z</source>
        <translation>{text!r} 超出 Timestamp 的范围 0001-01-01T00:00:00Z … 9999-12-31T23:59:59Z</translation>
    </message>
    <message>
        <source>{text!r} is not a valid date-time: {err}</source>
        <translation>{text!r} 不是有效的日期时间：{err}</translation>
    </message>
    <message>
        <source>{text!r}: the UTC offset {sign}{hours}:{minutes} is not valid</source>
        <translation>{text!r}：UTC 偏移 {sign}{hours}:{minutes} 无效</translation>
    </message>
    <message>
        <source>{text!r} is not a duration like 3600s, 1.5s or -2.000000001s (seconds, optional fraction of up to 9 digits, then &apos;s&apos;)</source>
        <translation>{text!r} 不是时长，应形如 3600s、1.5s 或 -2.000000001s（秒数，可带最多 9 位小数，然后是 &apos;s&apos;）</translation>
    </message>
    <message>
        <source>{text!r} is outside the Duration range ±{max}s (10,000 years)</source>
        <translation>{text!r} 超出 Duration 的范围 ±{max}s（10,000 年）</translation>
    </message>
</context>
<context>
    <name>WireError</name>
    <message>
        <source>field at offset {o} runs past the end of the data</source>
        <translation>偏移 {o} 处的字段超出了数据末尾</translation>
    </message>
    <message>
        <source>length prefix of field {a} at offset {o} is missing</source>
        <translation>偏移 {o} 处字段 {a} 的长度前缀缺失</translation>
    </message>
    <message>
        <source>field {a}: length {b} at offset {o} runs past the end, which is at offset {end}</source>
        <translation>字段 {a}：偏移 {o} 处的长度 {b} 超出了末尾（末尾在偏移 {end}）</translation>
    </message>
    <message>
        <source>varint at offset {o} is longer than 10 bytes</source>
        <translation>偏移 {o} 处的 varint 长于 10 字节</translation>
    </message>
    <message>
        <source>value of field {a} at offset {o} runs past the end</source>
        <translation>偏移 {o} 处字段 {a} 的值超出了末尾</translation>
    </message>
    <message>
        <source>end of group {a} at offset {o} without a matching start</source>
        <translation>偏移 {o} 处 group {a} 的结束没有对应的开始</translation>
    </message>
    <message>
        <source>invalid wire type {a} in tag at offset {o}</source>
        <translation>偏移 {o} 处的 tag 中 线路类型 {a} 无效</translation>
    </message>
    <message>
        <source>field number 0 in tag at offset {o}</source>
        <translation>偏移 {o} 处的 tag 中字段编号为 0</translation>
    </message>
    <message>
        <source>group {a} is not closed before offset {o}</source>
        <translation>group {a} 在偏移 {o} 之前没有结束</translation>
    </message>
    <message>
        <source>tag at offset {o} is wider than 32 bits (field number out of range)</source>
        <translation>偏移 {o} 处的 tag 宽于 32 位（字段编号超出范围）</translation>
    </message>
    <message>
        <source>groups nested deeper than 100 levels at offset {o}</source>
        <translation>偏移 {o} 处 group 嵌套超过 100 层</translation>
    </message>
    <message>
        <source>varint starting at offset {offset} runs past the end of the data</source>
        <translation>从偏移 {offset} 开始的 varint 超出了数据末尾</translation>
    </message>
    <message>
        <source>varint starting at offset {offset} is longer than 10 bytes</source>
        <translation>从偏移 {offset} 开始的 varint 长于 10 字节</translation>
    </message>
    <message>
        <source>fixed32 at offset {offset} needs 4 bytes, {left} left</source>
        <translation>偏移 {offset} 处的 fixed32 需要 4 字节，只剩 {left} 字节</translation>
    </message>
    <message>
        <source>fixed64 at offset {offset} needs 8 bytes, {left} left</source>
        <translation>偏移 {offset} 处的 fixed64 需要 8 字节，只剩 {left} 字节</translation>
    </message>
    <message>
        <source>trailing bytes after varint</source>
        <translation>varint 之后还有多余字节</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>Cannot read the token file {0}: {1}</source>
        <translation>无法读取令牌文件 {0}：{1}</translation>
    </message>
</context>
<context>
    <name>confirm</name>
    <message>
        <source>• {0}  ({1}) — {2} running, {3} pending pod(s)</source>
        <translation>• {0}  （{1}）— {2} 个运行中、{3} 个等待中的 Pod</translation>
    </message>
    <message>
        <source>• … and {0} more</source>
        <translation>• … 另外 {0} 个</translation>
    </message>
    <message>
        <source>In all: %n job(s), {0} running and {1} pending pod(s).</source>
        <translation>共计：%n 个作业，{0} 个运行中、{1} 个等待中的 Pod。</translation>
    </message>
    <message>
        <source>Left as they are (%n job(s)):</source>
        <translation>保持不变（%n 个作业）：</translation>
    </message>
    <message>
        <source>{0} of {1} succeeded; {2} failed:</source>
        <translation>{1} 个中 {0} 个成功；{2} 个失败：</translation>
    </message>
</context>
<context>
    <name>embedded</name>
    <message>
        <source>was killed by {0}</source>
        <translation>被 {0} 终止</translation>
    </message>
    <message>
        <source>was killed by signal {0}</source>
        <translation>被信号 {0} 终止</translation>
    </message>
    <message>
        <source>exited normally</source>
        <translation>正常退出</translation>
    </message>
    <message>
        <source>exited with code {0}</source>
        <translation>以退出码 {0} 退出</translation>
    </message>
</context>
<context>
    <name>job_filter</name>
    <message>
        <source>job state (running, failed, …)</source>
        <extracomment>Qualifier names offered by completion, with what they do.</extracomment>
        <translation>作业状态（running、failed、…）</translation>
    </message>
    <message>
        <source>owner (exact)</source>
        <translation>所有者（精确匹配）</translation>
    </message>
    <message>
        <source>label k=v, or k to require the key</source>
        <translation>标签 k=v，或只写 k 要求存在该键</translation>
    </message>
    <message>
        <source>name contains</source>
        <translation>名称包含</translation>
    </message>
    <message>
        <source>name matches a regular expression</source>
        <translation>名称匹配正则表达式</translation>
    </message>
    <message>
        <source>namespace</source>
        <translation>命名空间</translation>
    </message>
    <message>
        <source>job id prefix</source>
        <translation>作业 ID 前缀</translation>
    </message>
    <message>
        <source>priority greater than</source>
        <translation>优先级大于</translation>
    </message>
    <message>
        <source>priority less than</source>
        <translation>优先级小于</translation>
    </message>
    <message>
        <source>ambiguous state &apos;{0}&apos;: {1}</source>
        <translation>状态 &apos;{0}&apos; 有歧义：{1}</translation>
    </message>
    <message>
        <source>unknown state &apos;{0}&apos; (one of {1}, …)</source>
        <translation>未知状态 &apos;{0}&apos;（可选 {1}、…）</translation>
    </message>
    <message>
        <source>label needs a key: label:key=value or label:key</source>
        <translation>label 需要键：label:key=value 或 label:key</translation>
    </message>
    <message>
        <source>bad regular expression: {0}</source>
        <translation>正则表达式有误：{0}</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; is a number: use &gt; &gt;= &lt; &lt;= = !=</source>
        <translation>&apos;{0}&apos; 是数值：请使用 &gt; &gt;= &lt; &lt;= = !=</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; needs a whole number, not &apos;{1}&apos;</source>
        <translation>&apos;{0}&apos; 需要整数，而不是 &apos;{1}&apos;</translation>
    </message>
    <message>
        <source>unterminated quote</source>
        <extracomment>Where free text is looked for, in this order (each later column only for the rows not matched yet; labels, the costliest to decode, last).</extracomment>
        <translation>引号未闭合</translation>
    </message>
    <message>
        <source>empty search text</source>
        <translation>搜索文本为空</translation>
    </message>
    <message>
        <source> — did you mean &apos;{0}&apos;?</source>
        <translation> — 你是不是想输入 &apos;{0}&apos;？</translation>
    </message>
    <message>
        <source>unknown qualifier &apos;{0}&apos;{1} (quote the text to search for it)</source>
        <translation>未知限定符 &apos;{0}&apos;{1}（如要搜索该文本，请加引号）</translation>
    </message>
    <message>
        <source>&apos;{0}{1}&apos; needs a value</source>
        <translation>&apos;{0}{1}&apos; 需要一个值</translation>
    </message>
    <message>
        <source>use state:NAME</source>
        <translation>请使用 state:NAME</translation>
    </message>
    <message>
        <source>use label:key=value</source>
        <translation>请使用 label:key=value</translation>
    </message>
    <message>
        <source>&apos;{0}&apos; is text: use {0}:value or {0}~regex</source>
        <translation>&apos;{0}&apos; 是文本：请使用 {0}:value 或 {0}~regex</translation>
    </message>
    <message>
        <source>job state</source>
        <translation>作业状态</translation>
    </message>
    <message>
        <source>owner</source>
        <translation>所有者</translation>
    </message>
    <message>
        <source>label</source>
        <translation>标签</translation>
    </message>
</context>
<context>
    <name>jobs_table</name>
    <message>
        <source>{0}
id: {1}
owner: {2}
namespace: {3}
labels: {4}
instances: {5}</source>
        <extracomment>raw sortable value (numbers stay numbers) job id of the row, any column float 0..1, or None without progress state name without prefix (&quot;RUNNING&quot;) the JobSummary message (read-only!) the row&apos;s display texts, every column (a tuple, any column) Each column&apos;s TextAlignmentRole (ints), for a delegate that draws the text itself. Columns whose sort key is a string (the rest are numbers).</extracomment>
        <translation>{0}
ID：{1}
所有者：{2}
命名空间：{3}
标签：{4}
实例数：{5}</translation>
    </message>
    <message>
        <source>No pods</source>
        <translation>没有 Pod</translation>
    </message>
    <message>
        <source>No progress reported</source>
        <translation>没有上报进度</translation>
    </message>
    <message>
        <source>successful {0}, failed {1}, remaining {2}</source>
        <translation>成功 {0}，失败 {1}，剩余 {2}</translation>
    </message>
    <message>
        <source>No workflow</source>
        <translation>没有工作流</translation>
    </message>
    <message>
        <source>{0}
{1}
completed {2}, remaining {3}, failed {4}</source>
        <translation>{0}
{1}
完成 {2}，剩余 {3}，失败 {4}</translation>
    </message>
</context>
<context>
    <name>parent</name>
    <message>
        <source>Export failed</source>
        <translation>导出失败</translation>
    </message>
    <message>
        <source>Could not write {0}: {1}.</source>
        <translation>无法写入 {0}：{1}。</translation>
    </message>
    <message>
        <source>Export failed: could not write {0}</source>
        <translation>导出失败：无法写入 {0}</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n {0} to {1}</source>
        <translation>
            <numerusform>已将 %n 个{0}导出到 {1}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>payload_view</name>
    <message>
        <source>decoded (in the spec)</source>
        <translation>已解码（在规格中）</translation>
    </message>
    <message>
        <source>its bytes do not parse as that type (they are in the spec, base64)</source>
        <translation>其字节无法按该类型解析（以 base64 保存在规格中）</translation>
    </message>
    <message>
        <source>type not loaded (its bytes are in the spec, base64)</source>
        <translation>类型未加载（其字节以 base64 保存在规格中）</translation>
    </message>
    <message>
        <source>1 byte</source>
        <translation>1 字节</translation>
    </message>
    <message>
        <source>{0} bytes</source>
        <translation>{0} 字节</translation>
    </message>
    <message>
        <source>(no type)</source>
        <translation>（无类型）</translation>
    </message>
</context>
<context>
    <name>replace_flow</name>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Apply the update?</source>
        <translation>应用此更新？</translation>
    </message>
    <message>
        <source>Update job {0} from version {1}:</source>
        <translation>从版本 {1} 更新作业 {0}：</translation>
    </message>
    <message>
        <source>Instances added: {0}
Instances removed: {1}
Instances updated (restarted): {2}
Instances unchanged: {3}</source>
        <translation>新增实例：{0}
移除实例：{1}
更新（重启）实例：{2}
未变实例：{3}</translation>
    </message>
    <message>
        <source>Rolling update</source>
        <translation>滚动更新</translation>
    </message>
    <message>
        <source>Batch size (instances at a time, 0 = all):</source>
        <translation>批次大小（每批实例数，0 = 全部）：</translation>
    </message>
    <message>
        <source>Updating {0} to version {1} in batches of {2}</source>
        <translation>正在将 {0} 滚动更新到版本 {1}，每批 {2} 个</translation>
    </message>
    <message>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Edit of {0} abandoned; the job stays at version {1}</source>
        <translation>已放弃对 {0} 的编辑；作业保持在版本 {1}</translation>
    </message>
    <message>
        <source>Both of you changed: </source>
        <translation>双方都修改了：</translation>
    </message>
    <message>
        <source> — yours were kept; review them</source>
        <translation> — 已保留你的修改；请检查</translation>
    </message>
</context>
<context>
    <name>summary_text</name>
    <message>
        <source>callback POST</source>
        <translation>回调 POST</translation>
    </message>
    <message>
        <source>attempt {0} of {1}</source>
        <translation>第 {0}/{1} 次尝试</translation>
    </message>
    <message>
        <source>next {0}</source>
        <translation>下次 {0}</translation>
    </message>
    <message>
        <source>attempt {0} of {1}, {2}</source>
        <translation>第 {0}/{1} 次尝试，{2}</translation>
    </message>
    <message>
        <source>instance {0}: {1}</source>
        <translation>实例 {0}：{1}</translation>
    </message>
    <message>
        <source>{0} instances retrying; instance {1}: {2}</source>
        <translation>{0} 个实例在重试；实例 {1}：{2}</translation>
    </message>
    <message>
        <source>waiting for a slot</source>
        <translation>正在等待空闲槽位</translation>
    </message>
    <message>
        <source>{0} pending: </source>
        <translation>{0} 个等待中：</translation>
    </message>
    <message>
        <source>cpu {0:g}</source>
        <translation>CPU {0:g}</translation>
    </message>
    <message>
        <source>memory {0}</source>
        <translation>内存 {0}</translation>
    </message>
</context>
<context>
    <name>timefmt</name>
    <message>
        <source>local</source>
        <translation>本地</translation>
    </message>
    <message>
        <source>{0} s</source>
        <translation>{0} 秒</translation>
    </message>
    <message>
        <source>{0} min</source>
        <translation>{0} 分钟</translation>
    </message>
    <message>
        <source>{0} h</source>
        <translation>{0} 小时</translation>
    </message>
    <message>
        <source>{0} d</source>
        <translation>{0} 天</translation>
    </message>
    <message>
        <source>now</source>
        <translation>现在</translation>
    </message>
    <message>
        <source>in {0}</source>
        <translation>{0}后</translation>
    </message>
    <message>
        <source>{0} ago</source>
        <translation>{0}前</translation>
    </message>
    <message>
        <source>not set</source>
        <translation>未设置</translation>
    </message>
    <message>
        <source>run now</source>
        <translation>立即运行</translation>
    </message>
    <message>
        <source>every {0}</source>
        <translation>每 {0}</translation>
    </message>
    <message>
        <source>once at {0}</source>
        <translation>在 {0} 运行一次</translation>
    </message>
    <message>
        <source>cron {0} {1}</source>
        <translation>cron {0} {1}</translation>
    </message>
    <message>
        <source>, next {0}, {1}</source>
        <translation>，下次 {0}，{1}</translation>
    </message>
</context>
<context>
    <name>timeline</name>
    <message>
        <source>instance {0}</source>
        <extracomment>Events handled between two checks of the clock in the build&apos;s loops.</extracomment>
        <translation>实例 {0}</translation>
    </message>
</context>
</TS>
