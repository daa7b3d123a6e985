% rebase('base', title='管理 · ' + place.name, body_class='admin')
<header class="bar">
  <div class="station">{{place.name}}</div>
  <div class="what">工作人员管理</div>
</header>
<main>
<form class="login" method="post" action="/admin/login" autocomplete="off">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <div class="field{{' bad' if error else ''}}">
    <label for="pin">管理密码</label>
    <input id="pin" name="pin" type="password" inputmode="numeric" maxlength="12" autocomplete="off" autofocus>
% if error:
    <p class="msg" id="pin-msg">{{error}}</p>
% end
  </div>
  <button type="submit" class="submit">进入管理</button>
</form>
</main>
