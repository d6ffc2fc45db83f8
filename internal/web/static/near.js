// "Use my location": with the visitor's permission, the browser's position
// fills the search form's lat and lng and the search runs. Without script
// the form works with a town.
(function () {
  var button = document.getElementById("locate");
  if (!button || !navigator.geolocation) return;
  var status = document.getElementById("locate-status");
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = "Finding where you are…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("lat").value = pos.coords.latitude.toFixed(4);
      document.getElementById("lng").value = pos.coords.longitude.toFixed(4);
      document.getElementById("near").value = "";
      document.getElementById("search").submit();
    }, function () {
      status.textContent = "Your location is not available. Type or pick a town instead.";
    }, { timeout: 10000, maximumAge: 600000 });
  });
})();
