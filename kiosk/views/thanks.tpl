% rebase('base', title='报到成功 · ' + place.name, body_class='thanks', station=place.name, what='流动党员报到' if wait else '手机自助报到', home=back, wait=wait)
<div class="done">
  <div class="tick" aria-hidden="true">✓</div>
  <h1>报到成功，谢谢！</h1>
  <p class="when">报到时间 <span id="at">{{at}}</span></p>
  <p class="number">报到号 <strong id="number">{{number}}</strong></p>
% if wait:
  <p class="hint" id="yz-return" aria-live="polite">{{wait}} 秒后自动回到报到页面</p>
  <a class="button" href="{{back}}">下一位报到</a>
  <button type="button" class="button secondary" id="yz-stay" hidden>暂停自动返回</button>
% else:
  <p class="hint">如需凭证，请截图保存本页。</p>
  <a class="button secondary" href="{{back}}">为其他人报到</a>
% end
</div>
