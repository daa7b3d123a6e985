% rebase('base', title='管理 · ' + place.name, body_class='admin', station=place.name, what='工作人员管理', nav=[('/admin', '首页'), ('/', '报到页面')], logout_csrf=csrf)
% labels = ['时间', '报到号', '姓名', '手机', '所在党组织', '事由', '备注', '来源']
<h1>今日报到</h1>
% if clock_note:
<p class="yz-notice yz-notice--error" id="clock-note">{{clock_note}}</p>
% end
<dl class="yz-figures">
  <div class="yz-figure"><dt class="yz-figure__label">今日（{{today}}）报到</dt><dd class="yz-figure__value" id="today-count">{{count}}</dd></div>
  <div class="yz-figure"><dt class="yz-figure__label">全部记录</dt><dd class="yz-figure__value" id="total-count">{{total}}</dd></div>
  <div class="yz-figure"><dt class="yz-figure__label">尚未上传</dt><dd class="yz-figure__value" id="pending-count">{{pending}}</dd></div>
  <div class="yz-figure"><dt class="yz-figure__label">上次成功上传</dt><dd class="yz-figure__value" id="last-upload">{{uploaded['at'][:16].replace('T', ' ') if uploaded else '从未'}}</dd></div>
</dl>
% if upload_note:
<p class="yz-notice" id="upload-note" role="status">{{upload_note}}</p>
% elif not can_upload:
<p class="yz-notice" id="upload-hint">{{upload_hint}}</p>
% end
<div class="yz-ways">
  <form method="post" action="/admin/upload">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <button type="submit" class="yz-button" id="upload-now">立即上传</button>
  </form>
  <a class="yz-button yz-button--quiet" href="/admin/checkins.csv" download>下载报到记录（CSV）</a>
</div>
<h2>今日每小时报到人数</h2>
{{!chart}}
<h2>最近 {{len(latest)}} 条报到</h2>
% if latest:
<table class="yz-table latest">
  <thead><tr>
% for label in labels:
    <th scope="col">{{label}}</th>
% end
  </tr></thead>
  <tbody>
% for r in latest:
    <tr>
% for label, value in zip(labels, [r['checked_in_at'][5:16].replace('T', ' '), r['number'], r['name'], r['phone'], r['home_org'], r['purpose'], r['note'], '平板' if r['source'] == 'kiosk' else '手机']):
      <td data-label="{{label}}">{{value}}</td>
% end
    </tr>
% end
  </tbody>
</table>
% else:
<p class="yz-muted">还没有报到记录。</p>
% end
