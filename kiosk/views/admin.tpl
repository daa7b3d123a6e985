% rebase('base', title='管理 · ' + place.name, body_class='admin')
<header class="bar">
  <div class="station">{{place.name}}</div>
  <div class="what">工作人员管理</div>
</header>
<main>
% if clock_note:
  <p class="note" id="clock-note">{{clock_note}}</p>
% end
  <div class="stats">
    <div>今日（{{today}}）登记<strong id="today-count">{{count}}</strong></div>
    <div>全部记录<strong id="total-count">{{total}}</strong></div>
    <div>尚未上传<strong id="pending-count">{{pending}}</strong></div>
    <div>上次成功上传<strong id="last-upload">{{uploaded['at'][:16].replace('T', ' ') if uploaded else '从未'}}</strong></div>
  </div>
% if upload_note:
  <p class="note" id="upload-note">{{upload_note}}</p>
% end
  <h1>今日每小时登记人数</h1>
  {{!chart}}
  <div class="row">
    <a class="button" href="/admin/checkins.csv" download>下载登记表（CSV）</a>
    <form class="inline" method="post" action="/admin/upload">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <button type="submit" class="button" id="upload-now"{{!'' if can_upload else ' title="尚未设置上传地址"'}}>立即上传</button>
    </form>
    <form class="inline" method="post" action="/admin/logout">
      <input type="hidden" name="csrf" value="{{csrf}}">
      <button type="submit" class="button secondary">退出管理</button>
    </form>
  </div>
  <h1>最近 {{len(latest)}} 条登记</h1>
  <table class="latest">
    <thead><tr><th>时间</th><th>登记号</th><th>姓名</th><th>手机</th><th>所在党组织</th><th>事由</th><th>备注</th><th>来源</th></tr></thead>
    <tbody>
% for r in latest:
      <tr><td>{{r['checked_in_at'][5:16].replace('T', ' ')}}</td><td>{{r['number']}}</td><td>{{r['name']}}</td><td>{{r['phone']}}</td><td>{{r['home_org']}}</td><td>{{r['purpose']}}</td><td>{{r['note']}}</td><td>{{'平板' if r['source'] == 'kiosk' else '手机'}}</td></tr>
% end
    </tbody>
  </table>
</main>
